using EdgeToken.Contracts;

namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// Scores, classes and latencies of one pipeline over one summary interval. Buffers grow to the interval's
/// window count once and are reused, so a steady run does not allocate per window.
/// </summary>
internal sealed class IntervalStatistics(int classCount)
{
    private float[] _scores = new float[256];
    private float[] _latencies = new float[256];
    private readonly long[] _classes = new long[Math.Max(classCount, 1)];
    private int _count;
    private double _sum;

    public long Windows => _count;
    public long WindowsAbove { get; private set; }

    public void Add(float score, int classIndex, float latencyMicroseconds, bool above)
    {
        if (_count == _scores.Length)
        {
            Array.Resize(ref _scores, _count * 2);
            Array.Resize(ref _latencies, _count * 2);
        }
        _scores[_count] = score;
        _latencies[_count] = latencyMicroseconds;
        _count++;
        _sum += score;
        if (classIndex >= 0 && classIndex < _classes.Length) _classes[classIndex]++;
        if (above) WindowsAbove++;
    }

    public ScoreStatistics Score()
    {
        if (_count == 0) return new ScoreStatistics(0, 0, 0, 0);
        var scores = _scores.AsSpan(0, _count);
        scores.Sort();
        return new ScoreStatistics(scores[0], _sum / _count, scores[^1], Percentile(scores, 0.95));
    }

    public LatencyStatistics? Latency()
    {
        if (_count == 0) return null;
        var latencies = _latencies.AsSpan(0, _count);
        latencies.Sort();
        return new LatencyStatistics(Percentile(latencies, 0.5), Percentile(latencies, 0.99), latencies[^1]);
    }

    public IReadOnlyDictionary<string, long>? ClassHistogram(string[]? labels, bool classifier)
    {
        if (!classifier) return null;
        var histogram = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < _classes.Length; i++)
            if (_classes[i] > 0) histogram[labels is not null && i < labels.Length ? labels[i] : $"class{i}"] = _classes[i];
        return histogram;
    }

    public void Reset()
    {
        _count = 0;
        _sum = 0;
        WindowsAbove = 0;
        Array.Clear(_classes);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(ReadOnlySpan<float> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
