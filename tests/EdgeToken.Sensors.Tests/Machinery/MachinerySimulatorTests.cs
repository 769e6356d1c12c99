using System.Numerics.Tensors;
using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Sensors.Tests.Machinery;

public sealed class MachinerySimulatorTests
{
    private const int Length = 65536; // 3.2 s at 20.48 kHz: 0.3125 Hz envelope bins

    [Fact]
    public void FaultFrequenciesFollowKinematics()
    {
        // Deep-groove ball bearing, φ = 0: d/D = 0.25, 8 balls at 30 Hz.
        var bearing = new BearingGeometry(40, 10, 8, 0);
        Assert.Equal(4 * 30 * 0.75, bearing.Bpfo(30), 1e-12);
        Assert.Equal(4 * 30 * 1.25, bearing.Bpfi(30), 1e-12);
        Assert.Equal(2.0 * 30 * (1 - 0.0625), bearing.Bsf(30), 1e-12);
        Assert.Equal(15 * 0.75, bearing.Ftf(30), 1e-12);
        // BPFO + BPFI = n·fr, and BPFO = n·FTF: identities that hold for any geometry.
        BearingGeometry axle = BearingGeometry.RailwayAxleBox;
        Assert.Equal(axle.RollingElementCount * 9.6, axle.Bpfo(9.6) + axle.Bpfi(9.6), 1e-9);
        Assert.Equal(axle.RollingElementCount * axle.Ftf(9.6), axle.Bpfo(9.6), 1e-9);
    }

    [Fact]
    public void SameSeedGivesSameSamples()
    {
        var fault = new BearingFault(BearingFaultKind.InnerRace, 0.1, 0.5, 1.0);
        float[] a = Generate(MachineryOptions.AxleBox(42, fault), 8192);
        float[] b = Generate(MachineryOptions.AxleBox(42, fault), 8192);
        float[] c = Generate(MachineryOptions.AxleBox(43, fault), 8192);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        // Streaming in pieces gives the same samples as one call.
        var sim = new MachinerySimulator(MachineryOptions.AxleBox(42, fault));
        float[] pieces = new float[8192 * 3];
        sim.Generate(pieces.AsSpan(0, 999 * 3));
        sim.Generate(pieces.AsSpan(999 * 3));
        Assert.Equal(a, pieces);
    }

    [Theory]
    [InlineData(BearingFaultKind.OuterRace)]
    [InlineData(BearingFaultKind.InnerRace)]
    [InlineData(BearingFaultKind.RollingElement)]
    [InlineData(BearingFaultKind.Cage)]
    public void EnvelopeSpectrumPeaksAtTheFaultFrequency(BearingFaultKind kind)
    {
        MachineryOptions options = MachineryOptions.AxleBox(7, new BearingFault(kind, 0, 0, 1.0));
        double expected = options.Bearing.FaultFrequency(kind, options.Shaft.SpeedHz);
        float[] axis = Channel(Generate(options, Length), 0);

        var spectrum = new EnvelopeSpectrum(Length, options.SampleRateHz, new FrequencyBand(2000, 4000));
        float[] amplitude = new float[spectrum.BinCount];
        spectrum.Compute(axis, amplitude);

        double binHz = options.SampleRateHz / Length;
        double halfBand = Math.Max(2.0, 0.03 * expected);
        int low = (int)Math.Floor((expected - halfBand) / binHz);
        int high = (int)Math.Ceiling((expected + halfBand) / binHz);
        int peak = low + TensorPrimitives.IndexOfMax(amplitude.AsSpan(low, high - low + 1));
        double expectedBin = expected / binHz;
        Assert.True(Math.Abs(peak - expectedBin) <= 2, $"{kind}: expected {expected:F3} Hz (bin {expectedBin:F1}), top peak at {peak * binHz:F3} Hz (bin {peak})");

        // The line stands out of the envelope noise floor, not just the largest of a flat band.
        float floor = TensorPrimitives.Sum(amplitude.AsSpan(low, high - low + 1)) / (high - low + 1);
        Assert.True(amplitude[peak] > 3 * floor, $"{kind}: peak {amplitude[peak]} vs band mean {floor}");
    }

    [Fact]
    public void HealthyMachineHasNoOuterRaceLine()
    {
        MachineryOptions options = MachineryOptions.AxleBox(7);
        float[] axis = Channel(Generate(options, Length), 0);
        TimeDomainStatistics stats = TimeDomainStatistics.Compute(axis);
        Assert.InRange(stats.Kurtosis, 2.7, 3.3); // Gaussian noise plus sines
    }

    [Fact]
    public void FaultStartsAtOnsetAndGrows()
    {
        var fault = new BearingFault(BearingFaultKind.OuterRace, OnsetSeconds: 1.0, GrowthSeconds: 1.0, ImpactAmplitude: 2.0);
        MachineryOptions options = MachineryOptions.AxleBox(3, fault);
        float[] axis = Channel(Generate(options, 3 * 20480), 0);
        float rmsBefore = TimeDomainStatistics.Compute(axis.AsSpan(0, 20480)).Rms;
        float rmsGrowing = TimeDomainStatistics.Compute(axis.AsSpan(20480, 20480)).Rms;
        float rmsGrown = TimeDomainStatistics.Compute(axis.AsSpan(2 * 20480, 20480)).Rms;
        Assert.True(rmsBefore < rmsGrowing && rmsGrowing < rmsGrown, $"RMS {rmsBefore} -> {rmsGrowing} -> {rmsGrown}");
        Assert.True(TimeDomainStatistics.Compute(axis.AsSpan(2 * 20480, 20480)).Kurtosis > 4);
    }

    [Fact]
    public void GenerateDoesNotAllocate()
    {
        var sim = new MachinerySimulator(MachineryOptions.AxleBox(1, new BearingFault(BearingFaultKind.InnerRace, 0, 0, 1)));
        float[] block = new float[1024 * 3];
        sim.Generate(block);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            sim.Generate(block);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float[] Generate(MachineryOptions options, int instants)
    {
        var sim = new MachinerySimulator(options);
        float[] samples = new float[instants * sim.ChannelCount];
        sim.Generate(samples);
        return samples;
    }

    private static float[] Channel(float[] interleaved, int channel)
    {
        float[] axis = new float[interleaved.Length / 3];
        for (int i = 0; i < axis.Length; i++)
        {
            axis[i] = interleaved[(i * 3) + channel];
        }

        return axis;
    }
}
