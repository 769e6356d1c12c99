namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>y = a · b on int8 tensors: <c>y_q = clamp(zy + round((a_q - za)(b_q - zb) · sa·sb/sy))</c>, the ratio as 2^-32
/// fixed point, rounding halves away from zero.</summary>
/// <remarks>The product of two differences is at most 255² &lt; 2^16, so a ratio up to 2^14 keeps the 64-bit product below 2^62.</remarks>
public sealed class Int8Mul(double scaleA, int zeroA, double scaleB, int zeroB, double scaleY, int zeroY, int min = sbyte.MinValue, int max = sbyte.MaxValue)
{
    internal const int FractionBits = 32;
    private readonly long _m = ToFixed(scaleA * scaleB / scaleY);

    private static long ToFixed(double ratio)
    {
        if (!(ratio > 0) || ratio >= 1 << 14) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "scale ratio must be in (0, 2^14)");
        return (long)Math.Round(ratio * (1L << FractionBits), MidpointRounding.AwayFromZero);
    }

    public sbyte One(sbyte a, sbyte b)
    {
        long v = RoundingShift.HalfAwayFromZero((long)((a - zeroA) * (b - zeroB)) * _m, FractionBits) + zeroY;
        return (sbyte)Math.Clamp(v, min, max);
    }

    /// <summary><see cref="Int8Rescale"/>'s vector loop, the tail by <see cref="One"/>.</summary>
    public void Run(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> y)
    {
        int i = 0;
        if (Int8Rescale.IsAccelerated)
        {
            Span<System.Numerics.Vector<long>> va = stackalloc System.Numerics.Vector<long>[8];
            Span<System.Numerics.Vector<long>> vb = stackalloc System.Numerics.Vector<long>[8];
            var m = new System.Numerics.Vector<long>(_m);
            for (int step = Int8Rescale.Step; i + step <= y.Length; i += step)
            {
                Int8Rescale.Widen(a.Slice(i, step), zeroA, va);
                Int8Rescale.Widen(b.Slice(i, step), zeroB, vb);
                for (int k = 0; k < 8; k++) va[k] = va[k] * vb[k] * m;
                Int8Rescale.Finish(va, FractionBits, zeroY, min, max, y.Slice(i, step));
            }
        }
        RunScalar(a[i..], b[i..], y[i..]);
    }

    /// <summary>The scalar reference, element by element.</summary>
    public void RunScalar(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = One(a[i], b[i]);
    }
}
