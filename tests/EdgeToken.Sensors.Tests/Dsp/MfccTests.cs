using System.Numerics;
using EdgeToken.Sensors.Dsp;
using MathNet.Numerics.IntegralTransforms;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class MfccTests
{
    [Fact]
    public void DctMatchesDirectFormula()
    {
        float[] x = Signals.Random(26, 2);
        var dct = new Dct2(26, 13);
        float[] y = new float[13];
        dct.Transform(x, y);
        for (int k = 0; k < 13; k++)
        {
            double sum = 0;
            for (int n = 0; n < 26; n++)
            {
                sum += x[n] * Math.Cos(Math.PI * k * (2 * n + 1) / (2 * 26));
            }

            double expected = sum * Math.Sqrt((k == 0 ? 1.0 : 2.0) / 26);
            Assert.Equal(expected, y[k], 1e-5);
        }
    }

    [Fact]
    public void MelFiltersAreUnitPeakTrianglesOnMelSpacedCentres()
    {
        var bank = new MelFilterbank(10, 512, 16000, 0, 8000);
        double binHz = 16000.0 / 512;
        for (int m = 0; m < 10; m++)
        {
            double centre = MelFilterbank.MelToHz(MelFilterbank.HzToMel(8000) * (m + 1) / 11);
            int centreBin = (int)Math.Round(centre / binHz);
            float peak = Enumerable.Range(0, bank.BinCount).Max(k => bank.Weight(m, k));
            Assert.InRange(peak, 0.5f, 1f);
            Assert.True(bank.Weight(m, centreBin) >= 0.5f, $"filter {m} weak at its centre bin");
        }

        Assert.Equal(1000, MelFilterbank.MelToHz(MelFilterbank.HzToMel(1000)), 1e-9);
    }

    [Fact]
    public void MfccMatchesComposedReference()
    {
        const int n = 512;
        const double fs = 16000;
        float[] frame = Signals.Random(n, 8);
        var mfcc = new Mfcc(n, fs, 26, 13, 20, 8000);
        float[] coefficients = new float[13];
        mfcc.Compute(frame, coefficients);

        Complex[] spectrum = new Complex[n];
        double[] hann = MathNet.Numerics.Window.HannPeriodic(n);
        for (int i = 0; i < n; i++)
        {
            spectrum[i] = frame[i] * hann[i];
        }

        Fourier.Forward(spectrum, FourierOptions.Matlab);
        double[] logMel = new double[26];
        for (int m = 0; m < 26; m++)
        {
            double energy = 0;
            for (int k = 0; k <= n / 2; k++)
            {
                energy += mfcc.Filterbank.Weight(m, k) * spectrum[k].Magnitude * spectrum[k].Magnitude;
            }

            logMel[m] = Math.Log(Math.Max(energy, 1e-10));
        }

        for (int k = 0; k < 13; k++)
        {
            double sum = 0;
            for (int m = 0; m < 26; m++)
            {
                sum += logMel[m] * Math.Cos(Math.PI * k * (m + 0.5) / 26);
            }

            double expected = sum * Math.Sqrt((k == 0 ? 1.0 : 2.0) / 26);
            Assert.Equal(expected, coefficients[k], 2e-3);
        }
    }
}
