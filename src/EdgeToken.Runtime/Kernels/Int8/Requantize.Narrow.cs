using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>One channel's plane of int32 sums (bias not yet added) to int8 with its <see cref="NarrowRequantization"/>:
    /// sixteen values a step on AVX-512F, eight on 256-bit and four on 128-bit vectors (ARM64 too), the rest through
    /// <see cref="NarrowRequantization.Apply"/>, the reference every step gives the same bytes as.</summary>
    public static void Plane(ReadOnlySpan<int> accumulators, in NarrowRequantization n, Span<sbyte> y)
    {
        if (y.Length < accumulators.Length) throw new ArgumentException("requantizing a plane: output too short");
        int i = 0, count = accumulators.Length;
        ref int a = ref MemoryMarshal.GetReference(accumulators);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        if (Avx512F.IsSupported)
        {
            var c = Narrow512.Of(n);
            if (n.SignTerm)
                for (; i + 16 <= count; i += 16) c.HalfAway(Vector512.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            else
                for (; i + 16 <= count; i += 16) c.HalfUp(Vector512.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 16 <= count; i += 16)
                Sixteen256(Vector256.LoadUnsafe(ref a, (nuint)i), Vector256.LoadUnsafe(ref a, (nuint)(i + 8)), n).StoreUnsafe(ref ys, (nuint)i);
        else if (Vector128.IsHardwareAccelerated)
            for (; i + 16 <= count; i += 16)
            {
                var w0 = Vector128.Narrow(Narrow128(Vector128.LoadUnsafe(ref a, (nuint)i), n), Narrow128(Vector128.LoadUnsafe(ref a, (nuint)(i + 4)), n));
                var w1 = Vector128.Narrow(Narrow128(Vector128.LoadUnsafe(ref a, (nuint)(i + 8)), n), Narrow128(Vector128.LoadUnsafe(ref a, (nuint)(i + 12)), n));
                Vector128.Narrow(w0, w1).StoreUnsafe(ref ys, (nuint)i);
            }
        for (; i < count; i++) Unsafe.Add(ref ys, i) = n.Apply(Unsafe.Add(ref a, i));
    }

    /// <summary>Sixteen sums held in four Vector128 (a block's row on ARM64) to int8 with <paramref name="n"/>, stored at
    /// <paramref name="y"/>: the bytes <see cref="Plane"/> gives for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreSixteen128(Vector128<int> a0, Vector128<int> a1, Vector128<int> a2, Vector128<int> a3, in NarrowRequantization n, ref sbyte y)
    {
        var w0 = Vector128.Narrow(Narrow128(a0, n), Narrow128(a1, n)); // clamped to int8 already: the truncating narrows keep the values
        var w1 = Vector128.Narrow(Narrow128(a2, n), Narrow128(a3, n));
        Vector128.Narrow(w0, w1).StoreUnsafe(ref y);
    }

    /// <summary>Four sums to int8, stored as four bytes at <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreFour128(Vector128<int> a, in NarrowRequantization n, ref sbyte y)
    {
        var w = Vector128.Narrow(Narrow128(a, n), Vector128<int>.Zero);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref y), Vector128.Narrow(w, Vector128<short>.Zero).AsInt32().ToScalar());
    }

    /// <summary>Sixteen sums in two Vector256 (eight each, in order) to int8 with <paramref name="n"/>: the bytes
    /// <see cref="Plane"/> gives for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> Sixteen256(Vector256<int> lo, Vector256<int> hi, in NarrowRequantization n)
    {
        var words = Vector256.Narrow(Narrow256(lo, n), Narrow256(hi, n)); // clamped to int8 already: the truncating narrows keep the values
        return Vector128.Narrow(words.GetLower(), words.GetUpper());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Narrow256(Vector256<int> acc, in NarrowRequantization n)
    {
        var u = acc * Vector256.Create(n.Multiplier) + Vector256.Create(n.BiasProduct);
        var t = u + Vector256.Create(n.Offset);
        if (n.SignTerm) t += Vector256.ShiftRightArithmetic(u, 31);
        return Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(t, n.Shift), Vector256.Create(n.Min)), Vector256.Create(n.Max));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Narrow128(Vector128<int> acc, in NarrowRequantization n)
    {
        var u = acc * Vector128.Create(n.Multiplier) + Vector128.Create(n.BiasProduct);
        var t = u + Vector128.Create(n.Offset);
        if (n.SignTerm) t += Vector128.ShiftRightArithmetic(u, 31);
        return Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(t, n.Shift), Vector128.Create(n.Min)), Vector128.Create(n.Max));
    }

    /// <summary>A <see cref="NarrowRequantization"/> as AVX-512 constants, for kernels that requantize sixteen sums in a
    /// register: a vpmulld, one add (two and a shift with the sign term), the shift, the clamp and vpmovdb.</summary>
    internal readonly struct Narrow512
    {
        private readonly Vector512<int> _multiplier, _biasProduct, _offset, _folded, _lo, _hi;
        private readonly Vector128<int> _shift;

        private Narrow512(in NarrowRequantization n)
        {
            _multiplier = Vector512.Create(n.Multiplier);
            _biasProduct = Vector512.Create(n.BiasProduct);
            _offset = Vector512.Create(n.Offset);
            _folded = Vector512.Create(n.FoldedOffset);
            (_lo, _hi) = (Vector512.Create(n.Min), Vector512.Create(n.Max));
            _shift = Vector128.CreateScalar(n.Shift);
        }

        public static Narrow512 Of(in NarrowRequantization n) => new(n);

        /// <summary>Without the sign term (<see cref="NarrowRequantization.SignTerm"/> false).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> HalfUp(Vector512<int> sums) => NarrowHalfUp.Sixteen(sums, _multiplier, _biasProduct, _folded, _shift, _lo, _hi);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> HalfAway(Vector512<int> sums) => NarrowHalfAway.Sixteen(sums, _multiplier, _biasProduct, _offset, _shift, _lo, _hi);
    }

    /// <summary>Whether the narrow steps add the sign term, as a type argument so a kernel's loop is compiled without the
    /// branch: <see cref="NarrowHalfUp"/> where <see cref="NarrowRequantization.SignTerm"/> is false, else
    /// <see cref="NarrowHalfAway"/>.</summary>
    internal interface INarrowSign
    {
        /// <summary>Sixteen sums to int8 with the constants of <see cref="NarrowConstants{TSign}"/>.</summary>
        static abstract Vector128<sbyte> Sixteen(Vector512<int> sums, Vector512<int> multiplier, Vector512<int> biasProduct, Vector512<int> offset,
            Vector128<int> shift, Vector512<int> lo, Vector512<int> hi);
    }

    internal readonly struct NarrowHalfUp : INarrowSign
    {
        /// <summary><paramref name="offset"/> here is <see cref="NarrowRequantization.FoldedOffset"/>; biasProduct unused.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Sixteen(Vector512<int> sums, Vector512<int> multiplier, Vector512<int> biasProduct, Vector512<int> offset,
            Vector128<int> shift, Vector512<int> lo, Vector512<int> hi) =>
            Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(Avx512F.ShiftRightArithmetic(sums * multiplier + offset, shift), lo), hi));
    }

    internal readonly struct NarrowHalfAway : INarrowSign
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Sixteen(Vector512<int> sums, Vector512<int> multiplier, Vector512<int> biasProduct, Vector512<int> offset,
            Vector128<int> shift, Vector512<int> lo, Vector512<int> hi)
        {
            var u = sums * multiplier + biasProduct;
            return Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(Avx512F.ShiftRightArithmetic(u + offset + Vector512.ShiftRightArithmetic(u, 31), shift), lo), hi));
        }
    }

    /// <summary><paramref name="n"/>'s constants for <typeparamref name="TSign"/>'s <c>Sixteen</c>, to hold in locals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<int> Multiplier, Vector512<int> BiasProduct, Vector512<int> Offset, Vector128<int> Shift, Vector512<int> Lo, Vector512<int> Hi)
        NarrowConstants<TSign>(in NarrowRequantization n) where TSign : struct, INarrowSign =>
        (Vector512.Create(n.Multiplier), Vector512.Create(n.BiasProduct), Vector512.Create(typeof(TSign) == typeof(NarrowHalfUp) ? n.FoldedOffset : n.Offset),
            Vector128.CreateScalar(n.Shift), Vector512.Create(n.Min), Vector512.Create(n.Max));
}
