using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>GlobalAveragePool on int8: per plane (one batch item's channel) the int32 sum of its codes, then one
/// fixed-point requantization to the output's scale and zero point,
/// <c>y = clamp(zero_point_y + round((Σx - n · zero_point_x) · scale_x / (scale_y · n)))</c>, rounding halves away from
/// zero. The 1/n of the mean is folded into the one <see cref="FixedPointMultiplier"/>
/// (<see cref="Multiplier"/>), so there is no division on the hot path.</summary>
/// <remarks>The sums are exact on every path (int32, n · 128 well inside it for any plane below 2^24 values), so every
/// path gives the reference's bytes. On x86 the codes are offset by 128 to bytes and summed eight at a time with
/// vpsadbw against zero (<see cref="Avx512BW.SumAbsoluteDifferences"/>), one instruction per 64 codes; elsewhere they are
/// widened to int16 and int32 with <see cref="Vector128"/>.</remarks>
public static class Int8GlobalAveragePool
{
    /// <summary>Largest plane whose sum of codes cannot overflow an int32, even after subtracting n · zero point.</summary>
    public const int MaxPlane = 1 << 23;

    /// <summary>The requantization of a plane of <paramref name="plane"/> values' sum: input scale / (output scale · n).</summary>
    public static FixedPointMultiplier Multiplier(double inputScale, double outputScale, int plane) =>
        FixedPointMultiplier.FromReal(inputScale / (outputScale * plane));

    /// <summary>x [planes, plane] to y [planes], on <paramref name="path"/>: <see cref="Int8Path.Scalar"/>, or any
    /// vector path (the sums run on the widest of AVX-512BW, AVX2 and Vector128 that the path and the machine allow).</summary>
    public static void Run(ReadOnlySpan<sbyte> x, int planes, int plane, FixedPointMultiplier scale, int inputZeroPoint, int outputZeroPoint,
        Span<sbyte> y, Int8Path path)
    {
        Check(x, planes, plane, y);
        for (int p = 0; p < planes; p++)
        {
            int sum = Sum(x.Slice(p * plane, plane), path);
            y[p] = Requantize.One(sum - plane * inputZeroPoint, scale, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    /// <summary>The reference: the definition, one code at a time.</summary>
    public static void Reference(ReadOnlySpan<sbyte> x, int planes, int plane, FixedPointMultiplier scale, int inputZeroPoint, int outputZeroPoint,
        Span<sbyte> y) => Run(x, planes, plane, scale, inputZeroPoint, outputZeroPoint, y, Int8Path.Scalar);

    /// <summary>Σ x on <paramref name="path"/>.</summary>
    internal static int Sum(ReadOnlySpan<sbyte> x, Int8Path path)
    {
        int i = 0;
        long sum = 0;
        ref sbyte s = ref MemoryMarshal.GetReference(x);
        if (path != Int8Path.Scalar)
        {
            if (Avx512BW.IsSupported && path is Int8Path.Avx512BW or Int8Path.AvxVnni) sum = Sum512(ref s, x.Length, ref i);
            if (Avx2.IsSupported && path is Int8Path.Avx2 or Int8Path.Avx512BW or Int8Path.AvxVnni) sum += Sum256(ref s, x.Length, ref i);
            if (Vector128.IsHardwareAccelerated) sum += Sum128(ref s, x.Length, ref i);
        }
        for (; i < x.Length; i++) sum += Unsafe.Add(ref s, i);
        return (int)sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Sum512(ref sbyte s, int length, ref int i)
    {
        if (length - i < 64) return 0;
        var offset = Vector512.Create((byte)0x80);
        var acc = Vector512<long>.Zero;
        int start = i;
        for (; i <= length - 64; i += 64)
        {
            var u = Vector512.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref s), (nuint)i) ^ offset; // x + 128, as a byte
            acc += Avx512BW.SumAbsoluteDifferences(u, Vector512<byte>.Zero).AsInt64();
        }
        return Vector512.Sum(acc) - 128L * (i - start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Sum256(ref sbyte s, int length, ref int i)
    {
        if (length - i < 32) return 0;
        var offset = Vector256.Create((byte)0x80);
        var acc = Vector256<long>.Zero;
        int start = i;
        for (; i <= length - 32; i += 32)
        {
            var u = Vector256.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref s), (nuint)i) ^ offset;
            acc += Avx2.SumAbsoluteDifferences(u, Vector256<byte>.Zero).AsInt64();
        }
        return Vector256.Sum(acc) - 128L * (i - start);
    }

    /// <summary>Sixteen codes a step: widened to int16 (two lanes added, within ±256), then to int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Sum128(ref sbyte s, int length, ref int i)
    {
        var acc = Vector128<int>.Zero;
        for (; i <= length - 16; i += 16)
        {
            var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref s, (nuint)i));
            var (a, b) = Vector128.Widen(lo + hi);
            acc += a + b;
        }
        return Vector128.Sum(acc);
    }

    private static void Check(ReadOnlySpan<sbyte> x, int planes, int plane, Span<sbyte> y)
    {
        if (planes < 0 || plane <= 0 || plane > MaxPlane)
            throw new ArgumentException($"int8 global average pool: {planes} planes of {plane} values (a plane must hold 1 to {MaxPlane})");
        if (x.Length < planes * plane || y.Length < planes)
            throw new ArgumentException($"int8 global average pool: input of {x.Length} or output of {y.Length} too short for {planes} planes of {plane}");
    }
}
