using System.Numerics;
using EdgeToken.Sensors.Dsp;
using MathNet.Numerics.IntegralTransforms;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class FftTests
{
    public static TheoryData<int> ComplexLengths => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 25, 30, 32, 49, 60, 64, 100, 120, 128, 240, 243, 256, 360, 625, 1000, 1024, 2048, 2187, 4096, 4800 };

    public static TheoryData<int> RealLengths => new() { 2, 4, 6, 8, 10, 16, 30, 64, 96, 250, 1000, 1024, 2048, 3000, 8192 };

    [Theory]
    [MemberData(nameof(ComplexLengths))]
    public void ComplexForwardMatchesMathNet(int n)
    {
        float[] re = Signals.Random(n, n);
        float[] im = Signals.Random(n, n + 1);
        Complex[] reference = new Complex[n];
        for (int i = 0; i < n; i++)
        {
            reference[i] = new Complex(re[i], im[i]);
        }

        Fourier.Forward(reference, FourierOptions.Matlab);
        new ComplexFft(n).Forward(re, im);

        double scale = reference.Max(c => c.Magnitude);
        double tolerance = 2e-6 * scale * Math.Max(1, Math.Log2(n)) + 1e-6;
        for (int k = 0; k < n; k++)
        {
            Assert.True(Math.Abs(re[k] - reference[k].Real) <= tolerance, $"n={n} bin {k} real {re[k]} vs {reference[k].Real}");
            Assert.True(Math.Abs(im[k] - reference[k].Imaginary) <= tolerance, $"n={n} bin {k} imag {im[k]} vs {reference[k].Imaginary}");
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(60)]
    [InlineData(2048)]
    public void InverseUndoesForward(int n)
    {
        float[] re = Signals.Random(n, 3);
        float[] im = Signals.Random(n, 4);
        float[] re0 = (float[])re.Clone(), im0 = (float[])im.Clone();
        var fft = new ComplexFft(n);
        fft.Forward(re, im);
        fft.Inverse(re, im);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(re0[i], re[i], 1e-5f);
            Assert.Equal(im0[i], im[i], 1e-5f);
        }
    }

    [Theory]
    [MemberData(nameof(RealLengths))]
    public void RealForwardMatchesMathNet(int n)
    {
        float[] x = Signals.Random(n, n * 7);
        Complex[] reference = x.Select(v => new Complex(v, 0)).ToArray();
        Fourier.Forward(reference, FourierOptions.Matlab);

        var fft = new RealFft(n);
        float[] re = new float[fft.BinCount], im = new float[fft.BinCount];
        fft.Forward(x, re, im);

        double scale = reference.Max(c => c.Magnitude);
        double tolerance = 2e-6 * scale * Math.Log2(n) + 1e-6;
        for (int k = 0; k < fft.BinCount; k++)
        {
            Assert.True(Math.Abs(re[k] - reference[k].Real) <= tolerance, $"n={n} bin {k} real {re[k]} vs {reference[k].Real}");
            Assert.True(Math.Abs(im[k] - reference[k].Imaginary) <= tolerance, $"n={n} bin {k} imag {im[k]} vs {reference[k].Imaginary}");
        }
    }

    [Fact]
    public void RejectsLengthsWithLargePrimeFactors()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ComplexFft(2 * 37));
        Assert.Contains("prime factor", error.Message);
        Assert.Throws<ArgumentException>(() => new RealFft(7));
    }

    [Fact]
    public void PowerOfTwoPlanUsesRadix4()
    {
        Assert.Equal([4, 4, 4, 4, 4, 2], new ComplexFft(2048).Radices.ToArray());
        Assert.Equal([4, 2, 3, 5], new ComplexFft(120).Radices.ToArray());
    }

    [Fact]
    public void TransformsDoNotAllocate()
    {
        var fft = new RealFft(2048);
        float[] x = Signals.Random(2048, 1);
        float[] re = new float[fft.BinCount], im = new float[fft.BinCount];
        fft.Forward(x, re, im);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            fft.Forward(x, re, im);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
