using Xunit.Abstractions;
using Xunit.Sdk;

namespace EdgeToken.Collector.Tests;

/// <summary>Marks a test class that needs a service the test script starts; the variable names it.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class NeedsAttribute(string variable, string what) : Attribute
{
    public string Variable { get; } = variable;
    public string What { get; } = what;

    public static string? SkipReason(Type testClass)
    {
        foreach (var need in testClass.GetCustomAttributes(typeof(NeedsAttribute), inherit: true).Cast<NeedsAttribute>())
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(need.Variable)))
                return $"{need.What.ToUpperInvariant()} NOT AVAILABLE: {need.Variable} is not set (tests/run.sh starts it from tests/setup.d/50-collector.sh)";
        return null;
    }
}

/// <summary>
/// A fact that is reported as skipped, with the reason, when its class's <see cref="NeedsAttribute"/> service is
/// missing. Declared on a base class, it is decided per concrete class, so one test class runs against SQLite
/// and is skipped (never silently passed) against an absent PostgreSQL.
/// </summary>
[XunitTestCaseDiscoverer("EdgeToken.Collector.Tests.ServiceFactDiscoverer", "EdgeToken.Collector.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServiceFactAttribute : FactAttribute;

public sealed class ServiceFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod method, IAttributeInfo fact) =>
        [new ServiceTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), method)];
}

public sealed class ServiceTestCase : XunitTestCase
{
    [Obsolete("for deserialization")]
    public ServiceTestCase() { }

    public ServiceTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(sink, display, displayOptions, method) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        NeedsAttribute.SkipReason(TestMethod.TestClass.Class.ToRuntimeType()) ?? base.GetSkipReason(factAttribute);
}
