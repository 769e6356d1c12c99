using EdgeToken.Cli.Verification;
using Xunit.Abstractions;

namespace EdgeToken.Compiler.Tests.Differential;

/// <summary>Random models run by EdgeToken and by ONNX Runtime: the largest error relative to each output's
/// magnitude must stay under 1e-4.</summary>
public class DifferentialTests(ITestOutputHelper output)
{
    public const int GraphsPerFamily = 60;
    public const double Tolerance = 1e-4;

    public static IEnumerable<object[]> Cases() =>
        RandomGraphs.Families.SelectMany(f => Enumerable.Range(0, GraphsPerFamily).Select(seed => new object[] { f, seed }));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_onnx_runtime(string family, int seed)
    {
        string path = TestModels.Save(RandomGraphs.Create(family, seed), name: $"{family}_{seed}.onnx");
        var errors = ModelVerifier.Verify(path, new CompileOptions(), seed, runs: 2);
        foreach (var e in errors)
            output.WriteLine($"differential {family} {seed} {e.Output} rel={e.MaxRelativeError:E3} abs={e.MaxAbsoluteError:E3}");
        foreach (var e in errors)
            Assert.True(e.MaxRelativeError <= Tolerance,
                $"{family} seed {seed}, output {e.Output} {e.Shape}: relative error {e.MaxRelativeError:E2} (absolute {e.MaxAbsoluteError:E2}, magnitude {e.ReferenceMagnitude:E2})");
    }

    [Fact]
    public void Generators_are_deterministic()
    {
        foreach (var family in RandomGraphs.Families)
            Assert.Equal(RandomGraphs.Create(family, 5).ToBytes(), RandomGraphs.Create(family, 5).ToBytes());
    }
}
