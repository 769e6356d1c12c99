using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tests.Dsp;
using EdgeToken.Sensors.Tests.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests;

/// <summary>Steady-state paths that run per frame or per window must not allocate.</summary>
public sealed class AllocationTests
{
    private static long AllocatedBy(Action action, int warmUp = 3, int repeats = 50)
    {
        for (int i = 0; i < warmUp; i++)
        {
            action();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repeats; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void DspPlans()
    {
        float[] x = Signals.Random(2000, 1);
        float[] y = new float[2000];
        var mixedRadix = new RealFft(2000);
        float[] re = new float[1001], im = new float[1001];
        var envelope = new EnvelopeSpectrum(2000, 20000, new FrequencyBand(1000, 5000));
        var mfcc = new Mfcc(2000, 16000, 26, 13, 20, 8000);
        var detrend = new LinearDetrend(2000);
        float[] coefficients = new float[13];

        Assert.Equal(0, AllocatedBy(() => mixedRadix.Forward(x, re, im)));
        Assert.Equal(0, AllocatedBy(() => envelope.Compute(x, y)));
        Assert.Equal(0, AllocatedBy(() => mfcc.Compute(x, coefficients)));
        Assert.Equal(0, AllocatedBy(() => detrend.Apply(x, y)));
        Assert.Equal(0, AllocatedBy(() => TimeDomainStatistics.Compute(x)));
    }

    [Fact]
    public void SerialDecoding()
    {
        var ring = new FrameRing(4, 96, OverflowPolicy.DropOldest);
        var decoder = new SensorFrameDecoder(ring, 3200);
        float[] sink = new float[96];
        ushort sequence = 0;
        byte[][] frames = Enumerable.Range(0, 64).Select(i => SensorFrameDecoderTests.Frame(1, (ushort)i, new short[96])).ToArray();
        Assert.Equal(0, AllocatedBy(() =>
        {
            decoder.Feed(frames[sequence++ % 64]);
            ring.TryRead(out _, sink);
        }));
    }
}
