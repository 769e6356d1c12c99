using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Tests.Dsp;

/// <summary>The shortcuts that let the front end take one FFT per channel agree with the long way round.</summary>
public sealed class SpectrumReuseTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(18)]
    [InlineData(34)]
    [InlineData(250)]
    [InlineData(2048)]
    public void HannInFrequencyEqualsWindowingInTime(int n)
    {
        float[] x = Signals.Random(n, n + 11);
        var fft = new RealFft(n);
        float[] re = new float[fft.BinCount], im = new float[fft.BinCount];

        float[] windowed = new float[n];
        new Window(WindowKind.Hann, n).Apply(x, windowed);
        fft.Forward(windowed, re, im);
        float[] expected = new float[fft.BinCount];
        Spectrum.PowerScalar(re, im, expected);

        fft.Forward(x, re, im);
        float[] actual = new float[fft.BinCount];
        HannSpectrum.Power(re, im, actual, scale: 2f);

        double tolerance = 1e-5 * expected.Max();
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs((2 * expected[k]) - actual[k]) <= 2 * tolerance, $"n={n} bin {k}: {2 * expected[k]} vs {actual[k]}");
        }
    }

    [Theory]
    [InlineData(64, null, null)]
    [InlineData(2048, null, null)]
    [InlineData(2048, 2000.0, 4000.0)]
    public void EnvelopeFromAGivenSpectrumEqualsEnvelopeFromSamples(int n, double? low, double? high)
    {
        float[] x = Signals.Random(n, 5);
        EnvelopeSpectrum Plan() => low is null ? new EnvelopeSpectrum(n) : new EnvelopeSpectrum(n, 20480, new FrequencyBand(low.Value, high!.Value));
        float[] expected = new float[(n / 2) + 1];
        Plan().Compute(x, expected);

        var fft = new RealFft(n);
        float[] re = new float[fft.BinCount], im = new float[fft.BinCount];
        fft.Forward(x, re, im);
        float[] reBefore = (float[])re.Clone(), imBefore = (float[])im.Clone();
        float[] actual = new float[(n / 2) + 1];
        EnvelopeSpectrum plan = Plan();
        plan.ComputeFromSpectrum(re, im, actual);
        Assert.Equal(expected, actual); // same arithmetic in the same order
        Assert.Equal(reBefore, re); // the caller's spectrum is left alone
        Assert.Equal(imBefore, im);
    }
}
