using System.Diagnostics;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Tests.Kernels.Int8;

/// <summary>Runs the int8 check runner (tests/EdgeToken.Int8Check) in child processes with the runtime's ISA switches
/// turned off, so CI exercises every x64 path this machine has as the one the kernels really choose.</summary>
/// <remarks>.NET 10 groups the AVX-512 ISAs under one switch: <c>DOTNET_EnableAVX512=0</c>; the older
/// <c>DOTNET_EnableAVX512F=0</c> no longer turns AVX-512BW off.</remarks>
public class Int8PathSwitchTests
{
    private static (int Exit, string Stdout, string Stderr) RunCheck(params (string Name, string Value)[] env)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EdgeToken.Int8Check.dll"));
        foreach (var (name, value) in env) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("int8 check did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result.Trim(), stderr.Result);
    }

    public static TheoryData<string, string, string> Switches() => new()
    {
        // switch, value, the path that must then be chosen (when the machine had something better)
        { "DOTNET_EnableAVXVNNI", "0", "" },
        { "DOTNET_EnableAVX512", "0", "" },
        { "DOTNET_EnableAVX2", "0", "Vector128" },
        { "DOTNET_EnableHWIntrinsic", "0", "Scalar" },
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public void Every_path_agrees_with_the_reference_with_the_switch_off(string name, string value, string expectedBest)
    {
        var (exit, stdout, stderr) = RunCheck((name, value));
        Assert.True(exit == 0, $"{name}={value}: exit {exit}\n{stdout}\n{stderr}");
        Assert.StartsWith("best=", stdout);
        Assert.Contains("mismatches=0", stdout);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS()) return;
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported)
        {
            if (expectedBest.Length > 0) Assert.StartsWith($"best={expectedBest} ", stdout);
            if (name == "DOTNET_EnableAVX512") Assert.DoesNotContain("Avx512BW", stdout);
            // With AVX2 the best path, the narrow-requantized convolutions requantized in the AVX2 blocks' registers.
            if (stdout.StartsWith("best=Avx2 ", StringComparison.Ordinal))
            {
                var fused = System.Text.RegularExpressions.Regex.Match(stdout, @" avx2-fused=(\d+)");
                Assert.True(fused.Success && int.Parse(fused.Groups[1].Value) >= 3, stdout);
            }
            // Trained-like 8-bit weights ran on the shifted rows' u8 x s8 kernels with remainders (AVX2 and AVX-512BW).
            if (expectedBest.Length == 0 && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
            {
                var split = System.Text.RegularExpressions.Regex.Match(stdout, @" u8-split=(\d+)");
                Assert.True(split.Success && int.Parse(split.Groups[1].Value) >= 5, stdout);
            }
            if (name == "DOTNET_EnableAVXVNNI") Assert.DoesNotContain("AvxVnni", stdout);
        }
    }

    [Fact]
    public void Without_switches_the_child_chooses_what_this_process_chooses()
    {
        var (exit, stdout, _) = RunCheck();
        Assert.Equal(0, exit);
        Assert.StartsWith($"best={Int8Paths.Best} ", stdout);
    }
}

/// <summary>A fact that needs the linux-arm64 build of the int8 check runner (tests/setup.d/40-int8-arm64.sh) and qemu.</summary>
public sealed class Arm64EmulationFactAttribute : FactAttribute
{
    public const string Variable = "EDGETOKEN_INT8_ARM64";

    public Arm64EmulationFactAttribute()
    {
        string? runner = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(runner) || !File.Exists(runner) || !File.Exists("/usr/bin/qemu-aarch64-static"))
            Skip = $"ARM64 EMULATION NOT AVAILABLE: set {Variable} to a linux-arm64 EdgeToken.Int8Check and install qemu-user-static (tests/run.sh does both).";
    }
}

public class Int8Arm64Tests
{
    /// <summary>The sdot path, run for real on an emulated ARMv8 CPU with every extension (-cpu max).</summary>
    [Arm64EmulationFact]
    public void Arm64_dot_product_path_agrees_with_the_reference_under_qemu()
    {
        var (exit, output, stderr) = RunUnderQemu("max");
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{stderr}");
        Assert.StartsWith("best=AdvSimdDot supported=Scalar,Vector128,AdvSimdDot ", output.Trim());
        Assert.Contains("mismatches=0", output);
        // The convolutions of three or more channels ran on the sdot shifted-rows kernel, not the GEMM.
        var dotRows = System.Text.RegularExpressions.Regex.Match(output, @" dot-rows=(\d+)");
        Assert.True(dotRows.Success && int.Parse(dotRows.Groups[1].Value) >= 10, output);
        // The N:M-pruned ones of three or more channels ran sparse on sdot (their kept units paired by table lookups).
        var sparseDotRows = System.Text.RegularExpressions.Regex.Match(output, @"sparse-dot-rows=(\d+)");
        Assert.True(sparseDotRows.Success && int.Parse(sparseDotRows.Groups[1].Value) >= 6, output);
        // The narrow-requantized ones with whole blocks and runs of whole vectors requantized in the sdot kernel's registers.
        var fused = System.Text.RegularExpressions.Regex.Match(output, @"dot-fused=(\d+)");
        Assert.True(fused.Success && int.Parse(fused.Groups[1].Value) >= 6, output);
    }

    /// <summary>An ARMv8.0 core without the dot product (Cortex-A72, as on a Raspberry Pi 4): the Vector128 path is the
    /// best there, and its GEMM and packed GEMV run on smull/sadalp (Int8Gemm.AdvSimdWidening.cs); every kernel against
    /// the reference.</summary>
    [Arm64EmulationFact]
    public void Arm64_without_the_dot_product_runs_the_widening_path_and_agrees_under_qemu()
    {
        var (exit, stdout, stderr) = RunUnderQemu("cortex-a72");
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.StartsWith("best=Vector128 supported=Scalar,Vector128 ", stdout.Trim());
        Assert.Contains("mismatches=0", stdout);
    }

    private static (int Exit, string Stdout, string Stderr) RunUnderQemu(string cpu)
    {
        var psi = new ProcessStartInfo("/usr/bin/qemu-aarch64-static") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-cpu", cpu, "-L", "/", Environment.GetEnvironmentVariable(Arm64EmulationFactAttribute.Variable)! }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"the arm64 int8 check (-cpu {cpu}) did not finish in 300 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
