using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Sensors.Tests.FrontEnd;

public sealed class BearingFrontEndTests
{
    private const double SampleRate = 20480;

    private static float[] Interleaved(int instants, Func<int, int, double> value)
    {
        var samples = new float[instants * 3];
        for (int i = 0; i < instants; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                samples[(i * 3) + c] = (float)value(i, c);
            }
        }

        return samples;
    }

    [Fact]
    public void ToneLandsInItsBandAndBandsAddUpToMeanSquare()
    {
        var frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(SampleRate));
        // 1.5 kHz tone of amplitude 2 on channel 0 plus a slow drift the detrend must remove.
        float[] input = Interleaved(2048, (i, c) => c == 0 ? 2 * Math.Sin(2 * Math.PI * 1500 * i / SampleRate) + 0.001 * i : 0);
        float[] features = new float[frontEnd.FeatureCount];
        FrontEndProgress progress = frontEnd.Process(input, features);
        Assert.Equal(new FrontEndProgress(2048, 1), progress);

        Assert.Equal(Math.Sqrt(2), features[0], 0.01); // RMS after detrend
        Assert.Equal(1.5, features[4], 0.01);          // kurtosis of a sine
        float[] bands = features.AsSpan(TimeDomainStatistics.Count, 8).ToArray();
        Assert.Equal(2.0, bands.Sum(), 0.05);          // mean square of the sine
        Assert.Equal(5, Array.IndexOf(bands, bands.Max())); // [1000, 2000) Hz
        Assert.All(features.AsSpan(frontEnd.Options.FeaturesPerChannel).ToArray(), f => Assert.Equal(0f, f));
    }

    [Fact]
    public void WindowsAdvanceByHopAndMatchOneShotComputation()
    {
        var options = BearingFrontEndOptions.Default(SampleRate);
        var frontEnd = new BearingFrontEnd(options);
        var random = new Random(3);
        float[] input = Interleaved(2048 + (1024 * 3), (_, _) => random.NextDouble() - 0.5);
        float[] features = new float[frontEnd.FeatureCount * 8];

        // Feed in odd-sized pieces to exercise the buffering.
        int windows = 0, offset = 0;
        foreach (int piece in new[] { 999, 1, 3000, 1120 })
        {
            FrontEndProgress p = frontEnd.Process(input.AsSpan(offset * 3, piece * 3), features.AsSpan(windows * frontEnd.FeatureCount));
            Assert.Equal(piece, p.InstantsConsumed);
            windows += p.WindowsWritten;
            offset += piece;
        }

        Assert.Equal(4, windows);

        // Window 2 must equal a fresh front end fed exactly samples [2048, 4096).
        var fresh = new BearingFrontEnd(options);
        float[] expected = new float[fresh.FeatureCount];
        fresh.Process(input.AsSpan(2 * 1024 * 3, 2048 * 3), expected);
        Assert.Equal(expected, features.AsSpan(2 * frontEnd.FeatureCount, frontEnd.FeatureCount).ToArray());
    }

    [Fact]
    public void StopsWhenOutputIsFullWithoutLosingInput()
    {
        var frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(SampleRate));
        float[] input = Interleaved(2048 + 2048, (i, c) => Math.Sin(i * 0.01 * (c + 1)));
        float[] one = new float[frontEnd.FeatureCount];
        FrontEndProgress first = frontEnd.Process(input, one);
        Assert.Equal(1, first.WindowsWritten);
        Assert.Equal(2048 + 1024, first.InstantsConsumed);
        FrontEndProgress second = frontEnd.Process(input.AsSpan(first.InstantsConsumed * 3), one);
        Assert.Equal(1024, second.InstantsConsumed);
        Assert.Equal(1, second.WindowsWritten);
        Assert.Equal(2, frontEnd.WindowCount);

        // The third window is complete but was waiting for room; an empty call delivers it.
        Assert.Equal(new FrontEndProgress(0, 1), frontEnd.Process([], one));
        Assert.Equal(3, frontEnd.WindowCount);
    }

    [Fact]
    public void ZeroAllocationsPerWindowAfterWarmUp()
    {
        var frontEnd = new BearingFrontEnd(BearingFrontEndOptions.Default(SampleRate));
        var random = new Random(1);
        float[] block = Interleaved(1024, (_, _) => random.NextDouble());
        float[] features = new float[frontEnd.FeatureCount * 2];
        for (int i = 0; i < 8; i++)
        {
            frontEnd.Process(block, features);
        }

        long windowsBefore = frontEnd.WindowCount;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 500; i++)
        {
            frontEnd.Process(block, features);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(500, frontEnd.WindowCount - windowsBefore);
        Assert.Equal(0, allocated);
    }
}
