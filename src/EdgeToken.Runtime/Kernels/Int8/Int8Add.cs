namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>y = a + b on int8 tensors with their own scales and zero points:
/// <c>y_q = clamp(zy + round((a_q - za) · sa/sy + (b_q - zb) · sb/sy))</c>, both ratios as 2^-40 fixed point and summed before
/// the one rounding (halves away from zero), so the result is the correctly rounded sum of the two exact products.</summary>
/// <remarks>40 fractional bits: a ratio up to 2^14 times a difference up to 255 stays below 2^62; ratios far below one keep
/// at least 2^40 · ratio significant bits, plenty for an 8-bit result.</remarks>
public sealed class Int8Add(double scaleA, int zeroA, double scaleB, int zeroB, double scaleY, int zeroY, int min = sbyte.MinValue, int max = sbyte.MaxValue)
{
    internal const int FractionBits = 40;
    private readonly long _ma = ToFixed(scaleA / scaleY);
    private readonly long _mb = ToFixed(scaleB / scaleY);

    internal static long ToFixed(double ratio)
    {
        if (!(ratio > 0) || ratio >= 1 << 14) throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "scale ratio must be in (0, 2^14)");
        return (long)Math.Round(ratio * (1L << FractionBits), MidpointRounding.AwayFromZero);
    }

    public sbyte One(sbyte a, sbyte b)
    {
        long v = RoundingShift.HalfAwayFromZero((a - zeroA) * _ma + (b - zeroB) * _mb, FractionBits) + zeroY;
        return (sbyte)Math.Clamp(v, min, max);
    }

    /// <summary>Same-shape tensors (the quantizer only rewrites Adds whose operands already have the output's shape):
    /// <see cref="Int8Rescale"/>'s vector loop, the tail by <see cref="One"/>.</summary>
    public void Run(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> y)
    {
        int i = 0;
        if (Int8Rescale.IsAccelerated)
        {
            Span<System.Numerics.Vector<long>> va = stackalloc System.Numerics.Vector<long>[8];
            Span<System.Numerics.Vector<long>> vb = stackalloc System.Numerics.Vector<long>[8];
            var ma = new System.Numerics.Vector<long>(_ma);
            var mb = new System.Numerics.Vector<long>(_mb);
            for (int step = Int8Rescale.Step; i + step <= y.Length; i += step)
            {
                Int8Rescale.Widen(a.Slice(i, step), zeroA, va);
                Int8Rescale.Widen(b.Slice(i, step), zeroB, vb);
                for (int k = 0; k < 8; k++) va[k] = va[k] * ma + vb[k] * mb;
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
