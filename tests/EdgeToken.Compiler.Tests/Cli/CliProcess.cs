using System.Diagnostics;

namespace EdgeToken.Compiler.Tests.Cli;

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
}
