using System.Diagnostics;
using System.Text.Json;

namespace EdgeToken.Sensors.Tests.Cli;

/// <summary>Runs the real edgetoken CLI (the built assembly beside the tests) as a separate process.</summary>
internal static class CliProcess
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "edgetoken.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("edgetoken did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a verb with --json that must succeed, and parses its report.</summary>
    public static JsonElement Json(params string[] args)
    {
        var (code, stdout, stderr) = Run([.. args, "--json"]);
        Assert.True(code == 0, $"edgetoken {string.Join(' ', args)} exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-sensor-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
