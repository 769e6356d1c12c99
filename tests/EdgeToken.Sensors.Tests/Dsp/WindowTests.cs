using EdgeToken.Sensors.Dsp;

namespace EdgeToken.Sensors.Tests.Dsp;

public sealed class WindowTests
{
    [Theory]
    [InlineData(WindowKind.Hann, 16)]
    [InlineData(WindowKind.Hann, 2048)]
    [InlineData(WindowKind.Hamming, 64)]
    [InlineData(WindowKind.Blackman, 64)]
    [InlineData(WindowKind.Blackman, 1000)]
    public void PeriodicWindowMatchesMathNetSymmetricOfOneMore(WindowKind kind, int n)
    {
        // The periodic window of N points is the symmetric window of N+1 points without its last point.
        double[] reference = kind switch
        {
            WindowKind.Hann => MathNet.Numerics.Window.Hann(n + 1),
            // MathNet uses the "optimal" 0.53836/0.46164 Hamming; EdgeToken follows MATLAB/SciPy's 0.54/0.46.
            WindowKind.Hamming => Enumerable.Range(0, n + 1).Select(i => 0.54 - 0.46 * Math.Cos(2 * Math.PI * i / n)).ToArray(),
            _ => MathNet.Numerics.Window.Blackman(n + 1),
        };
        var window = new Window(kind, n);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(reference[i], window.Coefficients[i], 1e-6);
        }

        Assert.Equal(MathNet.Numerics.Window.HannPeriodic(8), new Window(WindowKind.Hann, 8).Coefficients.ToArray().Select(v => (double)v), new ToleranceComparer(1e-6));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
