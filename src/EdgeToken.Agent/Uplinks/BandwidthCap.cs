namespace EdgeToken.Agent.Uplinks;

/// <summary>A token bucket over bytes: sending N bytes waits until the cap allows them. A burst of one
/// second's worth is allowed, so a single large batch is not split but delayed.</summary>
public sealed class BandwidthCap(long bytesPerSecond, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private double _available = bytesPerSecond;
    private long _last = (time ?? TimeProvider.System).GetTimestamp();

    public long BytesPerSecond => bytesPerSecond;

    public TimeSpan DelayFor(int bytes)
    {
        long now = _time.GetTimestamp();
        _available = Math.Min(bytesPerSecond, _available + _time.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond);
        _last = now;
        _available -= bytes;
        return _available >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_available / bytesPerSecond);
    }
}
