using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Dynamic symmetric int8 quantization of a float vector, as ONNX Runtime's dynamic quantization does for
/// activations: <c>scale = max|v| / 127</c>, <c>q = clamp(round(v · 127 / max|v|), −127, 127)</c> (rounding halves to
/// even), zero point 0; an all-zero vector gets scale 0 and q = 0. Returns the scale.</summary>
/// <remarks>The vector form multiplies by the same float <c>127 / max|v|</c> and rounds the same way (vroundps /
/// frintn are round-to-nearest-even, no fused multiply-add), so it gives the very bytes of <see cref="Scalar(ReadOnlySpan{float}, Span{sbyte})"/>:
/// kernels that quantize their own activations on every step (<see cref="Recurrent.Int8GruCell"/>) then stay bit-exact
/// across paths.</remarks>
public static class Int8SymmetricQuantize
{
    /// <summary>The reference.</summary>
    public static float Scalar(ReadOnlySpan<float> v, Span<sbyte> q) => Scalar(v, q, out _);

    /// <summary>The reference; <paramref name="inverse"/> is the factor the values were multiplied by, 127 / max|v| (0 for an all-zero v).</summary>
    public static float Scalar(ReadOnlySpan<float> v, Span<sbyte> q, out float inverse)
    {
        float max = 0f;
        foreach (float f in v) max = Math.Max(max, Math.Abs(f));
        inverse = max == 0f ? 0f : 127f / max;
        ApplyScalar(v, q, inverse);
        return max / 127f;
    }

    /// <summary>The reference of <see cref="Apply"/>.</summary>
    public static void ApplyScalar(ReadOnlySpan<float> v, Span<sbyte> q, float inverse)
    {
        if (q.Length < v.Length) throw new ArgumentException("q is shorter than v");
        for (int i = 0; i < v.Length; i++) q[i] = (sbyte)Math.Clamp((int)MathF.Round(v[i] * inverse), -127, 127);
    }

    public static float Run(ReadOnlySpan<float> v, Span<sbyte> q) => Run(v, q, out _);

    /// <summary>As <see cref="Scalar(ReadOnlySpan{float}, Span{sbyte}, out float)"/>, vectorised.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Run(ReadOnlySpan<float> v, Span<sbyte> q, out float inverse)
    {
        if (q.Length < v.Length) throw new ArgumentException("q is shorter than v");
        int n = v.Length, i = 0;
        ref float vs = ref MemoryMarshal.GetReference(v);
        float max = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var m = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) m = Vector256.Max(m, Vector256.Abs(Vector256.LoadUnsafe(ref vs, (nuint)i)));
            max = Max4(Vector128.Max(m.GetLower(), m.GetUpper()));
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var m = Vector128<float>.Zero;
            for (; i <= n - 4; i += 4) m = Vector128.Max(m, Vector128.Abs(Vector128.LoadUnsafe(ref vs, (nuint)i)));
            max = Max4(m);
        }
        for (; i < n; i++) max = Math.Max(max, Math.Abs(Unsafe.Add(ref vs, i)));
        inverse = max == 0f ? 0f : 127f / max;
        Apply(v, q, inverse);
        return max / 127f;
    }

    /// <summary><c>q = clamp(round(v · inverse), −127, 127)</c> with a factor already known: a vector whose bound is known
    /// from another one's (the GRU's r⊙h, |r⊙h| ≤ max|h|, takes h's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(ReadOnlySpan<float> v, Span<sbyte> q, float inverse)
    {
        if (q.Length < v.Length) throw new ArgumentException("q is shorter than v");
        int n = v.Length, i = 0;
        ref float vs = ref MemoryMarshal.GetReference(v);
        ref sbyte qs = ref MemoryMarshal.GetReference(q);
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(inverse);
            var lo = Vector256.Create(-127);
            var hi = Vector256.Create(127);
            for (; i <= n - 32; i += 32)
            {
                var a = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref vs, (nuint)i) * s));
                var b = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref vs, (nuint)i + 8) * s));
                var c = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref vs, (nuint)i + 16) * s));
                var d = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref vs, (nuint)i + 24) * s));
                var ab = Vector256.Narrow(Vector256.Min(Vector256.Max(a, lo), hi), Vector256.Min(Vector256.Max(b, lo), hi));
                var cd = Vector256.Narrow(Vector256.Min(Vector256.Max(c, lo), hi), Vector256.Min(Vector256.Max(d, lo), hi));
                Vector256.Narrow(ab, cd).StoreUnsafe(ref qs, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(inverse);
            var lo = Vector128.Create(-127);
            var hi = Vector128.Create(127);
            for (; i <= n - 16; i += 16)
            {
                var a = Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref vs, (nuint)i) * s));
                var b = Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref vs, (nuint)i + 4) * s));
                var c = Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref vs, (nuint)i + 8) * s));
                var d = Vector128.ConvertToInt32(Vector128.Round(Vector128.LoadUnsafe(ref vs, (nuint)i + 12) * s));
                var ab = Vector128.Narrow(Vector128.Min(Vector128.Max(a, lo), hi), Vector128.Min(Vector128.Max(b, lo), hi));
                var cd = Vector128.Narrow(Vector128.Min(Vector128.Max(c, lo), hi), Vector128.Min(Vector128.Max(d, lo), hi));
                Vector128.Narrow(ab, cd).StoreUnsafe(ref qs, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref qs, i) = (sbyte)Math.Clamp((int)MathF.Round(Unsafe.Add(ref vs, i) * inverse), -127, 127);
    }

    private static float Max4(Vector128<float> m) => Math.Max(Math.Max(m[0], m[1]), Math.Max(m[2], m[3]));
}
