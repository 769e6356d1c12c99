using System.Diagnostics;
using System.Globalization;

namespace EdgeToken.Generators.Tests;

/// <summary>samples/MinimalConsumer published as a user would ship it: NativeAOT for linux-x64 with no warnings from
/// EdgeToken, and self-contained for linux-arm64 run under qemu-user, giving the x64 outputs. One publish per
/// architecture, one run each: the whole fact stays within a few minutes on a loaded CI machine.</summary>
[Collection(PublishingCollection.Name)]
public sealed class SampleTests
{
    private const string Qemu = "/usr/bin/qemu-aarch64-static";

    [Fact]
    public void MinimalConsumer_publishes_nativeaot_clean_and_runs_the_same_on_arm64()
    {
        string root = GeneratorDiagnosticTests.RepoRoot();
        string project = Path.Combine(root, "samples", "MinimalConsumer", "MinimalConsumer.csproj");
        string work = TestPipelines.TempDir();

        // Warnings stay warnings here so that the test can name them (the repository turns them into errors).
        var (code, log) = Run("dotnet", $"publish \"{project}\" -c Release -r linux-x64 -p:TreatWarningsAsErrors=false -o \"{work}/x64\" -nologo", 900_000);
        Assert.True(code == 0, "linux-x64 NativeAOT publish failed:\n" + log);
        Assert.Contains("Generating native code", log);
        var warnings = log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)
            && (l.Contains("EdgeToken", StringComparison.Ordinal) || l.Contains("MinimalConsumer", StringComparison.Ordinal))).Distinct().ToList();
        Assert.True(warnings.Count == 0, "warnings from EdgeToken in the NativeAOT publish:\n" + string.Join("\n", warnings));
        var (x64Code, x64) = Run(Path.Combine(work, "x64", "MinimalConsumer"), "", 60_000);
        Assert.Equal(0, x64Code);
        Assert.Contains("arch X64", x64);

        if (!File.Exists(Qemu))
        {
            // xunit 2 has no dynamic skip: say it loudly, as tests/run.sh reports skips.
            Console.WriteLine("SAMPLE ON ARM64 WAS NOT RUN: qemu-aarch64-static is missing (tests/setup.d/20-arm64.sh installs it).");
            return;
        }
        (code, log) = Run("dotnet", $"publish \"{project}\" -c Release -r linux-arm64 --self-contained -p:PublishAot=false -o \"{work}/arm64\" -nologo -v q", 900_000);
        Assert.True(code == 0, "linux-arm64 publish failed:\n" + log);
        var (armCode, arm) = Run(Qemu, $"-cpu max -L / \"{work}/arm64/MinimalConsumer\"", 300_000);
        Assert.True(armCode == 0, arm);
        Assert.Contains("arch Arm64", arm);

        // Same windows, same decisions; scores within float rounding (AdvSimd and AVX sum in different orders).
        var x64Lines = x64.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        var armLines = arm.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        Assert.Equal(x64Lines.Length, armLines.Length);
        for (int i = 0; i < x64Lines.Length; i++)
        {
            var a = x64Lines[i].Trim().Split(' ');
            var b = armLines[i].Trim().Split(' ');
            Assert.Equal(a.Length, b.Length);
            for (int k = 0; k < a.Length; k++)
            {
                if (float.TryParse(a[k], NumberStyles.Float, CultureInfo.InvariantCulture, out float fa) && a[k].Contains('.'))
                    Assert.Equal(fa, float.Parse(b[k], CultureInfo.InvariantCulture), 1e-5f);
                else
                    Assert.Equal(a[k], b[k]);
            }
        }
    }

    private static (int Code, string Output) Run(string file, string arguments, int timeoutMs)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's MSBuild variables would leak into the child build.
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildExtensionsPath");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs)) { process.Kill(true); throw new TimeoutException($"{file} {arguments} did not finish in {timeoutMs / 1000} s"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
