using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Any element-wise function of an int8 tensor as a 256-entry table: entry q holds
/// <c>quantize_y(f(dequantize_x(q)))</c>, computed once in double at build time, so Sigmoid, Tanh, Gelu or HardSwish cost
/// one load per element on the device and are exactly as accurate as the output's quantization allows.</summary>
public sealed partial class Int8Lookup
{
    private readonly sbyte[] _table = new sbyte[256];

    /// <param name="function">The float function (double in, double out).</param>
    public Int8Lookup(Func<double, double> function, double scaleX, int zeroX, double scaleY, int zeroY)
    {
        for (int q = sbyte.MinValue; q <= sbyte.MaxValue; q++)
        {
            double y = function(scaleX * (q - zeroX));
            double r = Math.Round(y / scaleY, MidpointRounding.AwayFromZero) + zeroY;
            _table[(byte)(sbyte)q] = (sbyte)Math.Clamp(r, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    /// <summary>The table, indexed by the input byte's bit pattern (q as byte).</summary>
    public ReadOnlySpan<sbyte> Table => _table;

    public void Run(ReadOnlySpan<sbyte> x, Span<sbyte> y) => Run(_table, x, y);

    /// <summary>y[i] = table[(byte)x[i]] on the fastest path this machine has: AVX-512 VBMI, AVX2, ARM64 AdvSimd, else
    /// the scalar loop (for a handful of elements too, where setting up the vectors costs more). y may be x (in place).</summary>
    public static void Run(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        if (x.Length < 32) RunScalar(table, x, y);
        else if (Avx512VbmiIsSupported) RunAvx512Vbmi(table, x, y);
        else if (Avx2.IsSupported) RunAvx2(table, x, y);
        else if (AdvSimd.Arm64.IsSupported) RunAdvSimd(table, x, y);
        else RunScalar(table, x, y);
    }

    /// <summary>The reference: one load per element.</summary>
    public static void RunScalar(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        CheckLengths(table, x, y);
        var bytes = MemoryMarshal.AsBytes(x);
        for (int i = 0; i < bytes.Length; i++) y[i] = table[bytes[i]];
    }

    private static void CheckLengths(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        if (table.Length != 256) throw new ArgumentException($"a lookup table has 256 entries, not {table.Length}", nameof(table));
        if (y.Length < x.Length) throw new ArgumentException($"y has {y.Length} elements for {x.Length} inputs", nameof(y));
    }

    /// <summary>The float functions the quantizer tabulates (double precision, definitions from the ONNX operator spec).</summary>
    public static class Functions
    {
        public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        public static double Tanh(double x) => Math.Tanh(x);
        /// <summary>Exact Gelu: x · Φ(x), Φ through erf computed by Abramowitz–Stegun 7.1.26 refined (|error| &lt; 1.5e-7,
        /// far below an int8 step).</summary>
        public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));
        public static double HardSwish(double x) => x * Math.Clamp(x / 6 + 0.5, 0, 1);
        public static double HardSigmoid(double x) => Math.Clamp(0.2 * x + 0.5, 0, 1);

        private static double Erf(double x)
        {
            double s = Math.Sign(x), a = Math.Abs(x);
            double t = 1 / (1 + 0.3275911 * a);
            double p = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
            return s * (1 - p * Math.Exp(-a * a));
        }
    }
}
