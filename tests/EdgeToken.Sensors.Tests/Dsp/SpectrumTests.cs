using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class SpectrumTests
{
    [Fact]
    public void VectorPathsMatchScalarForEveryTail()
    {
        for (int n = 0; n <= 67; n++)
        {
            float[] re = Signals.Random(n, n, 10), im = Signals.Random(n, n + 100, 10);
            float[] power = new float[n], powerRef = new float[n], magnitude = new float[n], magnitudeRef = new float[n];
            Spectrum.Power(re, im, power);
            Spectrum.PowerScalar(re, im, powerRef);
            Spectrum.Magnitude(re, im, magnitude);
            Spectrum.MagnitudeScalar(re, im, magnitudeRef);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(powerRef[i], power[i], powerRef[i] * 1e-6f);
                Assert.Equal(magnitudeRef[i], magnitude[i], magnitudeRef[i] * 1e-6f);
            }
        }
    }

    [Fact]
    public void BandEnergiesSumBinsByCentreFrequency()
    {
        float[] power = Enumerable.Range(0, 11).Select(i => (float)i).ToArray();
        // bins every 10 Hz: [0,10,...,100]
        var bands = new BandEnergies([new FrequencyBand(0, 25), new FrequencyBand(25, 55), new FrequencyBand(90, 200)], 11, 10);
        float[] result = new float[3];
        bands.Compute(power, result);
        Assert.Equal([0 + 1 + 2, 3 + 4 + 5, 9 + 10], result);
    }

    [Fact]
    public void EnvelopeOfAmplitudeModulatedToneRecoversModulation()
    {
        const int n = 4096;
        const double fs = 20480;
        float[] x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = i / fs;
            x[i] = (float)((1 + (0.5 * Math.Cos(2 * Math.PI * 100 * t))) * Math.Sin(2 * Math.PI * 3000 * t));
        }

        float[] envelope = new float[n];
        new AnalyticEnvelope(n).Compute(x, envelope);
        for (int i = 200; i < n - 200; i++)
        {
            double expected = 1 + (0.5 * Math.Cos(2 * Math.PI * 100 * i / fs));
            Assert.Equal(expected, envelope[i], 0.01);
        }

        var spectrum = new EnvelopeSpectrum(n);
        float[] amplitude = new float[spectrum.BinCount];
        spectrum.Compute(x, amplitude);
        int peak = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(amplitude);
        Assert.Equal(100 / (fs / n), peak, 1.0);
        Assert.Equal(0.5, amplitude[peak], 0.08);
    }
}
