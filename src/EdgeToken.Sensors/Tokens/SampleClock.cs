namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// Derives sample timestamps from a sample rate and an origin, so that timestamps do not
/// accumulate rounding error however long the stream runs.
/// </summary>
/// <remarks>
/// The rate is held as an integer number of millihertz and the time of sample <c>n</c> is
/// computed as <c>origin + n * 1e12 / rate_mHz</c> in 128-bit arithmetic. Adding a floating
/// period per sample would drift by microseconds per hour at kilohertz rates; this stays exact
/// to the nanosecond. Millihertz covers the ADXL345's 6.25 Hz and 12.5 Hz rates exactly.
/// </remarks>
public readonly struct SampleClock
{
    private readonly long _rateMillihertz;

    /// <summary>Creates a clock for <paramref name="sampleRateHz"/> whose sample 0 is at <paramref name="originNanoseconds"/>.</summary>
    public SampleClock(double sampleRateHz, long originNanoseconds = 0)
    {
        if (!(sampleRateHz >= 0.001) || double.IsInfinity(sampleRateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRateHz), sampleRateHz, "Sample rate must be a finite number of hertz, at least 0.001.");
        }

        _rateMillihertz = (long)Math.Round(sampleRateHz * 1000.0);
        OriginNanoseconds = originNanoseconds;
    }

    /// <summary>Sample rate in hertz.</summary>
    public double SampleRateHz => _rateMillihertz / 1000.0;

    /// <summary>Time of sample 0.</summary>
    public long OriginNanoseconds { get; }

    /// <summary>Nominal sample period in nanoseconds (for tolerances; use <see cref="TimestampOf"/> for timestamps).</summary>
    public double PeriodNanoseconds => 1e12 / _rateMillihertz;

    /// <summary>Timestamp of sample <paramref name="sampleIndex"/>, rounded down to the nanosecond.</summary>
    public long TimestampOf(long sampleIndex) =>
        OriginNanoseconds + (long)((Int128)sampleIndex * 1_000_000_000_000L / _rateMillihertz);

    /// <summary>Index of the sample nearest to <paramref name="timestampNanoseconds"/>.</summary>
    public long SampleIndexAt(long timestampNanoseconds)
    {
        Int128 scaled = (Int128)(timestampNanoseconds - OriginNanoseconds) * _rateMillihertz;
        return (long)((scaled + 500_000_000_000L) / 1_000_000_000_000L);
    }

    /// <summary>The same rate re-anchored so that sample <paramref name="sampleIndex"/> is at <paramref name="timestampNanoseconds"/>.</summary>
    public SampleClock Reanchored(long sampleIndex, long timestampNanoseconds) =>
        new(SampleRateHz, timestampNanoseconds - (TimestampOf(sampleIndex) - OriginNanoseconds));
}
