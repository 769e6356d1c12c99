namespace EdgeToken.Sensors.Machinery;

/// <summary>
/// Seeded, deterministic vibration of a rotating shaft on a rolling-element bearing: shaft
/// harmonics, broadband noise, and for each defect a train of impacts at its kinematic fault
/// rate, each ringing the structural resonance. Streams interleaved multi-axis samples.
/// </summary>
/// <remarks>
/// <para>
/// Impacts happen at continuous times (not snapped to samples) and each rings as
/// A·e^(−ζω_n·τ)·sin(ω_d·τ) from its own start, so the repetition rate in the envelope is exact.
/// Modulation follows the physics of the load zone: outer-race impacts are steady, inner-race
/// impacts are modulated at the shaft rate, rolling-element strikes alternate between a strong
/// and a weak race contact (so the envelope repeats at BSF) and are modulated at the cage rate.
/// Impact amplitude scales with load as 0.5 + 0.5·load.
/// </para>
/// <para>
/// Generation allocates nothing: live ringings sit in a fixed array sized from the fault rates
/// and the ringing time.
/// </para>
/// </remarks>
public sealed class MachinerySimulator
{
    private readonly MachineryOptions _options;
    private readonly double[] _harmonicPhases;
    private readonly double[] _faultInterval;
    private readonly double[] _nextImpact;
    private readonly long[] _impactCount;
    private readonly double[] _impulseStart;
    private readonly double[] _impulseAmplitude;
    private readonly double _decay;
    private readonly double _omegaD;
    private readonly double _ringing;
    private SplitMix64 _random;
    private int _activeImpulses;

    /// <summary>Creates a simulator; the same options (including <see cref="MachineryOptions.Seed"/>) give the same samples.</summary>
    public MachinerySimulator(MachineryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelGains.Length == 0)
        {
            throw new ArgumentException("At least one channel gain is needed.", nameof(options));
        }

        _options = options;
        _random = new SplitMix64(options.Seed);
        double fr = options.Shaft.SpeedHz;
        _harmonicPhases = new double[options.Shaft.HarmonicAmplitudes.Length];
        for (int h = 0; h < _harmonicPhases.Length; h++)
        {
            _harmonicPhases[h] = 2 * Math.PI * _random.NextDouble();
        }

        int faults = options.Faults.Length;
        _faultInterval = new double[faults];
        _nextImpact = new double[faults];
        _impactCount = new long[faults];
        double fastestRate = 1;
        for (int f = 0; f < faults; f++)
        {
            BearingFault fault = options.Faults[f];
            double rate = options.Bearing.FaultFrequency(fault.Kind, fr);
            if (fault.Kind == BearingFaultKind.RollingElement)
            {
                rate *= 2; // one strike on each race per spin revolution
            }

            _faultInterval[f] = 1 / rate;
            _nextImpact[f] = Math.Max(fault.OnsetSeconds, 0) + (_random.NextDouble() / rate);
            fastestRate += rate;
        }

        _decay = options.Resonance.DecayPerSecond;
        _omegaD = options.Resonance.DampedAngularFrequency;
        _ringing = options.Resonance.RingingSeconds;
        // Live ringings at once: total impact rate x ringing time, with headroom for slip bunching.
        int capacity = (int)Math.Ceiling(fastestRate * _ringing * 2) + 8;
        _impulseStart = new double[capacity];
        _impulseAmplitude = new double[capacity];
    }

    /// <summary>The options.</summary>
    public MachineryOptions Options => _options;

    /// <summary>Channels per instant.</summary>
    public int ChannelCount => _options.ChannelGains.Length;

    /// <summary>Index of the next instant to be generated.</summary>
    public long SampleIndex { get; private set; }

    /// <summary>Time of the next instant to be generated.</summary>
    public double TimeSeconds => SampleIndex / _options.SampleRateHz;

    /// <summary>Impacts generated so far (all faults).</summary>
    public long ImpactCount { get; private set; }

    /// <summary>Fills <paramref name="interleaved"/> with whole instants of <see cref="ChannelCount"/> channels.</summary>
    public void Generate(Span<float> interleaved)
    {
        int channels = ChannelCount;
        if (interleaved.Length % channels != 0)
        {
            throw new ArgumentException($"Destination of {interleaved.Length} values is not a whole number of {channels}-channel instants.", nameof(interleaved));
        }

        RotatingShaft shaft = _options.Shaft;
        double loadFactor = 0.5 + (0.5 * shaft.Load);
        double omegaShaft = 2 * Math.PI * shaft.SpeedHz;
        for (int i = 0; i < interleaved.Length; i += channels)
        {
            double t = SampleIndex / _options.SampleRateHz;
            double healthy = 0;
            for (int h = 0; h < _harmonicPhases.Length; h++)
            {
                healthy += shaft.HarmonicAmplitudes[h] * shaft.Load * Math.Sin((omegaShaft * (h + 1) * t) + _harmonicPhases[h]);
            }

            SpawnImpacts(t, loadFactor);
            double ringing = SumRinging(t);
            for (int c = 0; c < channels; c++)
            {
                double noise = _options.NoiseRms * _random.NextGaussian();
                interleaved[i + c] = (float)((_options.ChannelGains[c] * (healthy + ringing)) + noise);
            }

            SampleIndex++;
        }
    }

    private void SpawnImpacts(double t, double loadFactor)
    {
        double fr = _options.Shaft.SpeedHz;
        for (int f = 0; f < _nextImpact.Length; f++)
        {
            while (_nextImpact[f] <= t)
            {
                double at = _nextImpact[f];
                BearingFault fault = _options.Faults[f];
                double amplitude = fault.ImpactAmplitude * fault.SeverityAt(at) * loadFactor * Modulation(fault.Kind, at, fr, _impactCount[f]);
                if (amplitude > 0)
                {
                    AddImpulse(at, amplitude);
                }

                _impactCount[f]++;
                double jitter = 1 + (_options.SlipFraction * _random.NextGaussian());
                _nextImpact[f] = at + (_faultInterval[f] * Math.Max(0.5, jitter));
            }
        }
    }

    private double Modulation(BearingFaultKind kind, double t, double fr, long impact) => kind switch
    {
        BearingFaultKind.InnerRace => 0.5 + (0.5 * Math.Cos(2 * Math.PI * fr * t)),
        BearingFaultKind.RollingElement => (impact % 2 == 0 ? 1.0 : 0.5) * (0.75 + (0.25 * Math.Cos(2 * Math.PI * _options.Bearing.Ftf(fr) * t))),
        _ => 1.0,
    };

    private void AddImpulse(double start, double amplitude)
    {
        if (_activeImpulses == _impulseStart.Length)
        {
            // Full only if slip bunched impacts far beyond the sizing headroom; the oldest ringing has decayed the most.
            RemoveImpulse(0);
        }

        _impulseStart[_activeImpulses] = start;
        _impulseAmplitude[_activeImpulses] = amplitude;
        _activeImpulses++;
        ImpactCount++;
    }

    private double SumRinging(double t)
    {
        double sum = 0;
        for (int k = _activeImpulses - 1; k >= 0; k--)
        {
            double tau = t - _impulseStart[k];
            if (tau > _ringing)
            {
                RemoveImpulse(k);
                continue;
            }

            sum += _impulseAmplitude[k] * Math.Exp(-_decay * tau) * Math.Sin(_omegaD * tau);
        }

        return sum;
    }

    private void RemoveImpulse(int k)
    {
        _activeImpulses--;
        _impulseStart[k] = _impulseStart[_activeImpulses];
        _impulseAmplitude[k] = _impulseAmplitude[_activeImpulses];
    }
}
