using System.Diagnostics;

namespace EdgeToken.Agent.Tests.Hosting;

/// <summary>The real agent: <c>edgetoken agent --config FILE</c> as its own process (the CLI built beside the tests).</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private AgentProcess(Process process) => _process = process;

    public static AgentProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliPath());
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_TieredPGO"] = "0"; // shorter start-up, so each kill cycle stays short
        var process = Process.Start(start)!;
        var agent = new AgentProcess(process);
        process.OutputDataReceived += (_, e) => { lock (agent._output) agent._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (agent._output) agent._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    /// <summary>The CLI from its own output folder (same configuration): the copy beside the tests resolves
    /// Microsoft.Extensions.* from the ASP.NET Core framework the test receiver uses, which the CLI does not load.</summary>
    private static string CliPath()
    {
        string tests = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string marker = Path.Combine("tests", "EdgeToken.Agent.Tests");
        int at = tests.LastIndexOf(marker, StringComparison.Ordinal);
        string cli = Path.Combine(tests[..at], "src", "EdgeToken.Cli", tests[(at + marker.Length + 1)..], "edgetoken.dll");
        return File.Exists(cli) ? cli : throw new FileNotFoundException($"build src/EdgeToken.Cli first: {cli} is missing");
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task WaitForOutputAsync(string text, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the agent did not print '{text}':\n{Output}");
            await Task.Delay(10);
        }
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public void KillHard()
    {
        try { _process.Kill(); } catch (InvalidOperationException) { }
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd stops a service; returns the exit code.</summary>
    public int Terminate(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        if (!_process.WaitForExit(within)) { KillHard(); throw new TimeoutException($"the agent did not stop within {within}:\n{Output}"); }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public int WaitForExit(TimeSpan within)
    {
        if (!_process.WaitForExit(within)) { KillHard(); throw new TimeoutException($"the agent did not exit:\n{Output}"); }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }
}
