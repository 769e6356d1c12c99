namespace EdgeToken.Agent.Uplinks;

/// <summary>Exponential backoff with full jitter (a random delay between zero and the exponential cap), so
/// a fleet that lost the same link does not come back in lockstep and hammer the collector.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan maximum, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _failures;

    public int Failures => _failures;

    public TimeSpan Next()
    {
        double cap = Math.Min(maximum.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_failures, 30)));
        _failures++;
        return TimeSpan.FromMilliseconds(cap * (0.5 + 0.5 * _random.NextDouble())); // half fixed: never zero, still spread
    }

    public void Reset() => _failures = 0;
}
