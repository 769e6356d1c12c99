namespace EdgeToken.Agent.Pipelines;

/// <summary>Live counters of one pipeline (read from other threads: heartbeats, benchmarks, the CLI).</summary>
public sealed class PipelineMetrics(string name)
{
    private long _tokens, _windows, _dropped, _inferenceTicks;

    public string Name => name;
    public long Tokens => Interlocked.Read(ref _tokens);
    public long Windows => Interlocked.Read(ref _windows);
    /// <summary>Tokens lost before the pipeline saw them (its ring overflowed because it was too slow).</summary>
    public long DroppedTokens => Interlocked.Read(ref _dropped);
    public TimeSpan InferenceTime => TimeSpan.FromTicks(Interlocked.Read(ref _inferenceTicks));

    internal void AddTokens(long n) => Interlocked.Add(ref _tokens, n);
    internal void AddWindow(TimeSpan inference) { Interlocked.Increment(ref _windows); Interlocked.Add(ref _inferenceTicks, inference.Ticks); }
    internal void SetDropped(long n) => Interlocked.Exchange(ref _dropped, n);
}
