namespace EdgeToken.Cli.Demo;

/// <summary>
/// Maps wall-clock times to a simulated source's sensor time. Agents stamp events with the wall clock; the
/// source runs ahead by the speedup (or behind it, on a busy machine), so the demo samples each source's
/// sensor time as it goes and interpolates, rather than trusting the nominal speedup.
/// </summary>
public sealed class SensorClock
{
    private readonly List<(DateTimeOffset Wall, double Seconds)> _samples = [];
    private readonly Lock _lock = new();

    public void Sample(DateTimeOffset wall, double seconds)
    {
        lock (_lock) _samples.Add((wall, seconds));
    }

    public double SecondsAt(DateTimeOffset wall)
    {
        lock (_lock)
        {
            if (_samples.Count == 0) return 0;
            int i = _samples.FindIndex(s => s.Wall >= wall);
            if (i < 0) return _samples[^1].Seconds;
            if (i == 0) return _samples[0].Seconds;
            var (w0, s0) = _samples[i - 1];
            var (w1, s1) = _samples[i];
            double span = (w1 - w0).TotalSeconds;
            return span <= 0 ? s1 : s0 + ((s1 - s0) * (wall - w0).TotalSeconds / span);
        }
    }
}
