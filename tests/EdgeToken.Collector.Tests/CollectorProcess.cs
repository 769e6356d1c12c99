using System.Diagnostics;

namespace EdgeToken.Collector.Tests;

/// <summary>The real <c>edgetoken collector</c> as a separate process (the CLI beside the test assembly), killed on dispose.</summary>
public sealed class CollectorProcess : IDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];
    readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CollectorProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgetoken.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Line(e.Data);
        _process.ErrorDataReceived += (_, e) => Line(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    void Line(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.StartsWith("mqtt:", StringComparison.Ordinal) && line.Contains("subscribed")) _subscribed.TrySetResult();
    }

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public async Task WaitSubscribedAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_subscribed.Task, Task.Delay(timeout), _process.WaitForExitAsync());
        if (done != _subscribed.Task) throw new TimeoutException($"the collector did not subscribe within {timeout}; its output:\n{Output}");
    }

    /// <summary>Stops it as systemd or Ctrl+C would (SIGTERM: a graceful stop), then kills it if it does not exit.</summary>
    public void Dispose()
    {
        if (!_process.HasExited) _ = SigTerm(_process.Id, 15);
        if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    static extern int SigTerm(int pid, int signal);
}
