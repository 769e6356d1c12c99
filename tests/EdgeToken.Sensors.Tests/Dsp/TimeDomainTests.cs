using EdgeToken.Sensors.Dsp;
using MathNet.Numerics;
using MathNet.Numerics.Statistics;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class TimeDomainTests
{
    [Fact]
    public void StatisticsMatchScalarReferenceOverAllTails()
    {
        for (int n = 1; n <= 70; n++)
        {
            float[] x = Signals.Random(n, n, 3);
            TimeDomainStatistics fast = TimeDomainStatistics.Compute(x);
            TimeDomainStatistics reference = TimeDomainStatistics.ComputeScalar(x);
            Assert.Equal(reference.Rms, fast.Rms, 1e-5f);
            Assert.Equal(reference.Peak, fast.Peak);
            Assert.Equal(reference.PeakToPeak, fast.PeakToPeak);
            Assert.Equal(reference.Kurtosis, fast.Kurtosis, 1e-3f * Math.Max(1, reference.Kurtosis));
            Assert.Equal(reference.Skewness, fast.Skewness, 1e-3f);
        }
    }

    [Fact]
    public void StatisticsMatchMathNet()
    {
        float[] x = Signals.Random(2048, 11, 2);
        for (int i = 0; i < x.Length; i += 97)
        {
            x[i] *= 4; // impulsive, so kurtosis is well above 3
        }

        double[] d = x.Select(v => (double)v).ToArray();
        TimeDomainStatistics s = TimeDomainStatistics.Compute(x);
        Assert.Equal(d.RootMeanSquare(), s.Rms, 1e-5);
        Assert.Equal(d.PopulationKurtosis() + 3, s.Kurtosis, 1e-3);
        Assert.Equal(d.PopulationSkewness(), s.Skewness, 1e-3);
        Assert.Equal(d.Max() - d.Min(), s.PeakToPeak, 1e-6);
        Assert.Equal(d.MaximumAbsolute() / d.RootMeanSquare(), s.CrestFactor, 1e-4);
        Assert.True(s.Kurtosis > 3);
    }

    [Fact]
    public void ConstantBlockHasNoShape()
    {
        TimeDomainStatistics s = TimeDomainStatistics.Compute([2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f]);
        Assert.Equal(2f, s.Rms, 1e-6f);
        Assert.Equal(0f, s.Kurtosis);
        Assert.Equal(0f, s.PeakToPeak);
    }

    [Fact]
    public void DetrendMatchesMathNetLineFit()
    {
        const int n = 1000;
        float[] x = Signals.Random(n, 5);
        for (int i = 0; i < n; i++)
        {
            x[i] += 0.003f * i - 2f;
        }

        double[] t = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        (double intercept, double slope) = Fit.Line(t, x.Select(v => (double)v).ToArray());
        float[] y = new float[n];
        new LinearDetrend(n).Apply(x, y);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(x[i] - (intercept + slope * i), y[i], 1e-4);
        }
    }

    [Fact]
    public void ScaleOffsetAndMeanRemoval()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        float[] y = new float[x.Length];
        ScaleOffset.Apply(x, 0.5f, 1f, y);
        Assert.Equal(x.Select(v => v * 0.5f + 1f).ToArray(), y);
        Assert.Equal(5.5f, MeanRemoval.Apply(x, y));
        Assert.Equal(x.Select(v => v - 5.5f).ToArray(), y);
    }

    [Fact]
    public void StandardizerUsesTrainingStatistics()
    {
        var standardizer = new Standardizer([1f, 10f, 5f], [2f, 5f, 0f]);
        float[] y = new float[3];
        standardizer.Apply([3f, 0f, 7f], y);
        Assert.Equal([1f, -2f, 0f], y);

        float[] block = Signals.Random(100, 9, 4);
        float[] z = new float[100];
        Standardizer.ApplyBlock(block, z);
        double[] zd = z.Select(v => (double)v).ToArray();
        Assert.Equal(0, zd.Mean(), 1e-5);
        Assert.Equal(1, zd.PopulationStandardDeviation(), 1e-5);
    }
}
