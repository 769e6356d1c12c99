using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.FrontEnd;

/// <summary>Simulator -> frame ring -> bearing front end: the features see an outer-race fault appear.</summary>
public sealed class SimulatedAxleBoxPipelineTests
{
    [Fact]
    public void EnvelopeBandAtBpfoRisesAfterFaultOnset()
    {
        var fault = new BearingFault(BearingFaultKind.OuterRace, OnsetSeconds: 2.0, GrowthSeconds: 0, ImpactAmplitude: 1.0);
        MachineryOptions machine = MachineryOptions.AxleBox(11, fault);
        var simulator = new MachinerySimulator(machine);
        var ring = new FrameRing(8, 256 * 3, OverflowPolicy.Block);
        var clock = new SampleClock(machine.SampleRateHz);
        // Demodulate around the simulated 3 kHz housing resonance.
        var options = BearingFrontEndOptions.Default(machine.SampleRateHz) with { DemodulationBand = new FrequencyBand(2000, 4000) };
        var frontEnd = new BearingFrontEnd(options);

        double bpfo = machine.Bearing.Bpfo(machine.Shaft.SpeedHz);
        int envelopeBand = Array.FindIndex(options.EnvelopeBands, b => b.LowHz <= bpfo && bpfo < b.HighHz);
        int featureIndex = TimeDomainStatistics.Count + options.SpectrumBands.Length + envelopeBand;
        const int kurtosisIndex = 4;

        float[] frame = new float[256 * 3];
        float[] received = new float[256 * 3];
        float[] features = new float[frontEnd.FeatureCount * 2];
        var before = new List<float[]>();
        var after = new List<float[]>();
        long index = 0;
        for (uint sequence = 0; index < 4 * machine.SampleRateHz; sequence++)
        {
            simulator.Generate(frame);
            ring.Write(new FrameHeader(1, sequence, index, clock.TimestampOf(index), 256, 3), frame);
            index += 256;

            while (ring.TryRead(out FrameHeader header, received))
            {
                FrontEndProgress progress = frontEnd.Process(received.AsSpan(0, header.ValueCount), features);
                for (int w = 0; w < progress.WindowsWritten; w++)
                {
                    // The window ends at the last sample consumed; classify windows wholly before or after onset.
                    double windowEnd = (header.FirstSampleIndex + header.SampleCount) / machine.SampleRateHz;
                    double windowStart = windowEnd - (options.WindowLength / machine.SampleRateHz);
                    float[] vector = features.AsSpan(w * frontEnd.FeatureCount, frontEnd.FeatureCount).ToArray();
                    if (windowEnd < fault.OnsetSeconds)
                    {
                        before.Add(vector);
                    }
                    else if (windowStart > fault.OnsetSeconds)
                    {
                        after.Add(vector);
                    }
                }
            }
        }

        Assert.True(before.Count > 10 && after.Count > 10, $"{before.Count} windows before, {after.Count} after");
        double envelopeBefore = before.Average(v => v[featureIndex]);
        double envelopeAfter = after.Average(v => v[featureIndex]);
        Assert.True(envelopeAfter > 10 * envelopeBefore, $"envelope band {options.EnvelopeBands[envelopeBand]} energy {envelopeBefore:G3} -> {envelopeAfter:G3}");
        Assert.True(after.Average(v => v[kurtosisIndex]) > before.Average(v => v[kurtosisIndex]) + 1);
        Assert.Equal(0, ring.TotalLost);
    }
}
