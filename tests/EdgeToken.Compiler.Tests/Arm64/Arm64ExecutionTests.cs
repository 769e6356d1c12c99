using System.Diagnostics;
using EdgeToken.Compiler.Tests.Differential;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;
using Xunit.Abstractions;

namespace EdgeToken.Compiler.Tests.Arm64;

/// <summary>A fact that needs qemu-user for linux-arm64; skipped, saying so, without it.</summary>
public sealed class Arm64FactAttribute : FactAttribute
{
    public const string Qemu = "/usr/bin/qemu-aarch64-static";

    public Arm64FactAttribute()
    {
        if (!File.Exists(Qemu))
            Skip = "ARM64 WAS NOT RUN: qemu-aarch64-static is missing (tests/setup.d/20-arm64.sh installs it with the arm64 libraries).";
    }
}

/// <summary>Plans compiled on x64 run on ARM64 (a self-contained linux-arm64 publish under qemu, where .NET
/// takes its AdvSimd paths) and must give the x64 outputs within float rounding.</summary>
public class Arm64ExecutionTests(ITestOutputHelper output)
{
    [Arm64Fact]
    public void Plans_give_the_same_outputs_on_arm64_as_on_x64()
    {
        string work = TestModels.TempDir();
        var expected = new Dictionary<string, float[]>();
        foreach (var family in RandomGraphs.Families)
            for (int seed = 0; seed < 4; seed++)
            {
                string name = $"{family}_{seed}";
                var compiled = ModelCompiler.CompileFile(TestModels.Save(RandomGraphs.Create(family, seed), work, name + ".onnx"));
                PlanFile.Save(compiled.Plan, Path.Combine(work, name + ".etplan"));
                var executor = new PlanExecutor(compiled.Plan);
                for (int i = 0; i < executor.InputCount; i++)
                {
                    var input = TestModels.Random((int)compiled.Plan.Input(i).Info.ElementCount, seed * 10 + i);
                    input.CopyTo(executor.Input<float>(i));
                    File.WriteAllBytes(Path.Combine(work, $"{name}.input{i}.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
                }
                executor.Run();
                expected[name] = executor.Output<float>(0).ToArray();
            }
        // N:M-pruned convolutions, float (SparseConv on the AdvSimd SGEMM tile) and int8 (QSparseConv: ARM64 has no sparse
        // shifted-rows kernel, so the weights are decompressed for the dense one, which must still give the x64 integers).
        string sparseModel = TestModels.Save(Pruning.SparseConvRewriteTests.Cnn(), work, "sparseconv.onnx");
        string calibration = Quantization.QuantModels.WriteF32(work, Quantization.QuantModels.Samples(8, 16 * 128, 60), "sparseconv.f32");
        var twoFour = new EdgeToken.Compiler.Pruning.PruneOptions { Pattern = EdgeToken.Compiler.Pruning.PruningPattern.NM };
        foreach (var (name, options) in new[] { ("sparseconv_float", new CompileOptions { Prune = twoFour }), ("sparseconv_int8", new CompileOptions { Prune = twoFour, CalibrationPath = calibration }) })
        {
            var compiled = ModelCompiler.CompileFile(sparseModel, options);
            Assert.Contains(compiled.Plan.Steps, s => s.OpType is EdgeToken.Runtime.Kernels.Sparse.SparseConv.Float or EdgeToken.Runtime.Kernels.Sparse.SparseConv.Int8);
            PlanFile.Save(compiled.Plan, Path.Combine(work, name + ".etplan"));
            var executor = new PlanExecutor(compiled.Plan);
            var input = TestModels.Random(16 * 128, 77);
            input.CopyTo(executor.Input<float>(0));
            File.WriteAllBytes(Path.Combine(work, $"{name}.input0.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
            executor.Run();
            expected[name] = executor.Output<float>(0).ToArray();
        }

        string app = Publish();
        var (code, stdout) = RunUnderQemu(app, work);
        output.WriteLine(stdout);
        Assert.Equal(0, code);
        Assert.Contains("arch=arm64 AdvSimd=True AdvSimd.Arm64=True Dp=True", stdout);
        foreach (var (name, x64) in expected)
        {
            var arm = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(work, $"{name}.output0.arm64.bin"))).ToArray();
            TestModels.AssertClose(x64, arm, 1e-4);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeToken.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("EdgeToken.sln not found above the test directory");
    }

    private static string Publish()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "edgetoken-arm64check");
        string project = Path.Combine(RepositoryRoot(), "tests", "EdgeToken.Arm64Check", "EdgeToken.Arm64Check.csproj");
        var (code, text) = Run("dotnet", $"publish \"{project}\" -c Release -r linux-arm64 --self-contained -o \"{outDir}\" -v q -nologo", 600_000);
        Assert.True(code == 0, "linux-arm64 publish failed:\n" + text);
        return Path.Combine(outDir, "EdgeToken.Arm64Check");
    }

    private static (int, string) RunUnderQemu(string app, string work) =>
        Run(Arm64FactAttribute.Qemu, $"-cpu max -L / \"{app}\" \"{work}\"", 300_000);

    private static (int, string) Run(string file, string arguments, int timeoutMs)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); throw new TimeoutException($"{file} {arguments} did not finish"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
