using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class EnvelopeReferenceTests
{
    [Theory]
    [InlineData(256, 0, 128)]
    [InlineData(1000, 50, 300)]
    [InlineData(2048, 0, 1024)]
    public void EnvelopeMatchesMathNetHilbertReference(int n, int firstBin, int lastBin)
    {
        float[] x = Signals.Random(n, n + firstBin);
        float[] envelope = new float[n];
        new AnalyticEnvelope(n, firstBin, lastBin).Compute(x, envelope);

        // Reference: analytic spectrum = X·h with h = 1 at DC and Nyquist, 2 for positive bins, 0 for negative,
        // restricted to the demodulation band; the envelope is |IFFT|.
        var spectrum = x.Select(v => new System.Numerics.Complex(v, 0)).ToArray();
        MathNet.Numerics.IntegralTransforms.Fourier.Forward(spectrum, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
        for (int k = 0; k < n; k++)
        {
            double h = k == 0 || k == n / 2 ? 1 : k < n / 2 ? 2 : 0;
            spectrum[k] *= k >= firstBin && k <= lastBin ? h : 0;
        }

        MathNet.Numerics.IntegralTransforms.Fourier.Inverse(spectrum, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(spectrum[i].Magnitude, envelope[i], 2e-5 * Math.Sqrt(n));
        }
    }
}
