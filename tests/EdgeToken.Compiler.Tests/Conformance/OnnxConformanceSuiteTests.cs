using EdgeToken.Compiler.Conformance;
using Xunit.Abstractions;

namespace EdgeToken.Compiler.Tests.Conformance;

/// <summary>A fact that runs only when the ONNX node tests are present; otherwise xunit reports it as
/// skipped with a reason that says plainly the suite was not run.</summary>
public sealed class OnnxSuiteFactAttribute : FactAttribute
{
    public const string Variable = "EDGETOKEN_ONNX_TESTS";

    public OnnxSuiteFactAttribute()
    {
        string? dir = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
            Skip = $"THE ONNX CONFORMANCE SUITE WAS NOT RUN: set {Variable} to the onnx-node-tests folder (.ci/run sets it to ../shared/onnx-node-tests).";
    }
}

public class OnnxConformanceSuiteTests(ITestOutputHelper output)
{
    [OnnxSuiteFact]
    public void Every_test_of_the_suite_passes_or_is_a_justified_skip()
    {
        string dir = Environment.GetEnvironmentVariable(OnnxSuiteFactAttribute.Variable)!;
        var results = ConformanceRunner.RunAll(dir);
        foreach (var (op, passed, failed, skipped) in ConformanceRunner.ByOperator(results))
            output.WriteLine($"{op,-24} {passed,4} passed {failed,4} failed {skipped,4} skipped");
        foreach (var r in results.Where(r => r.Status != ConformanceStatus.Passed))
            output.WriteLine($"{r.Status} {r.Test}: {r.Detail}");
        output.WriteLine(ConformanceRunner.Summary(results));

        Assert.True(results.Count >= 300, $"only {results.Count} tests found in {dir}");
        var failures = results.Where(r => r.Status == ConformanceStatus.Failed).Select(r => $"{r.Test}: {r.Detail}").ToList();
        Assert.True(failures.Count == 0, "failed:\n" + string.Join("\n", failures));
        // Every skip must be one the README justifies.
        var unjustified = results.Where(r => r.Status == ConformanceStatus.Skipped && !JustifiedSkips.IsJustified(r)).Select(r => $"{r.Test}: {r.Detail}").ToList();
        Assert.True(unjustified.Count == 0, "skips not justified in README:\n" + string.Join("\n", unjustified));
    }
}
