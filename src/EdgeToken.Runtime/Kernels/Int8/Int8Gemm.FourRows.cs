using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Int8Gemm
{
    /// <summary>Four output channels at once on AVX-512BW: x is widened once per 32 bytes and shared by the four weight
    /// rows, and the four accumulators are reduced together (three horizontal adds) instead of one full reduction per
    /// output. Both costs dominate the small layers of an MLP at batch 1 (k = 64: one multiply-add step per output). A k
    /// that is not a multiple of 32 ends with one step over the last 32 bytes, the overlap zeroed in x: the scalar tail it
    /// replaced was 0.5 of the 0.7 µs the rail-bearing classifier's 90 -> 32 layer took.</summary>
    private static void Dot4Avx512BW(ref sbyte x, ref sbyte w, int k, ref int y)
    {
        ref sbyte w1 = ref Unsafe.Add(ref w, k);
        ref sbyte w2 = ref Unsafe.Add(ref w, 2 * k);
        ref sbyte w3 = ref Unsafe.Add(ref w, 3 * k);
        var a0 = Vector512<int>.Zero;
        var a1 = Vector512<int>.Zero;
        var a2 = Vector512<int>.Zero;
        var a3 = Vector512<int>.Zero;
        int i = 0;
        for (; i <= k - 32; i += 32)
        {
            var xv = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, (nuint)i));
            a0 = Avx512BW.Add(a0, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, (nuint)i))));
            a1 = Avx512BW.Add(a1, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w1, (nuint)i))));
            a2 = Avx512BW.Add(a2, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w2, (nuint)i))));
            a3 = Avx512BW.Add(a3, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w3, (nuint)i))));
        }
        if (i < k && k >= 32)
        {
            // The tail as one more step over the last 32 bytes, the ones already summed zeroed in x (exact: they add 0).
            nuint at = (nuint)(k - 32);
            var fresh = Vector512.GreaterThanOrEqual(Vector512<short>.Indices, Vector512.Create((short)(i - (k - 32))));
            var xv = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref x, at)) & fresh;
            a0 = Avx512BW.Add(a0, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w, at))));
            a1 = Avx512BW.Add(a1, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w1, at))));
            a2 = Avx512BW.Add(a2, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w2, at))));
            a3 = Avx512BW.Add(a3, Avx512BW.MultiplyAddAdjacent(xv, Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref w3, at))));
            i = k;
        }
        Reduce4(Fold(a0), Fold(a1), Fold(a2), Fold(a3)).StoreUnsafe(ref y);
        AddTails(ref x, ref w, k, i, ref y);
    }

    /// <summary>The same on AVX2: 16 bytes of x widened once per step for four rows.</summary>
    private static void Dot4Avx2(ref sbyte x, ref sbyte w, int k, ref int y)
    {
        ref sbyte w1 = ref Unsafe.Add(ref w, k);
        ref sbyte w2 = ref Unsafe.Add(ref w, 2 * k);
        ref sbyte w3 = ref Unsafe.Add(ref w, 3 * k);
        var a0 = Vector256<int>.Zero;
        var a1 = Vector256<int>.Zero;
        var a2 = Vector256<int>.Zero;
        var a3 = Vector256<int>.Zero;
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var xv = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)i));
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)i))));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w1, (nuint)i))));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w2, (nuint)i))));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w3, (nuint)i))));
        }
        if (i < k && k >= 16)
        {
            nuint at = (nuint)(k - 16);
            var fresh = Vector256.GreaterThanOrEqual(Vector256<short>.Indices, Vector256.Create((short)(i - (k - 16))));
            var xv = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, at)) & fresh;
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, at))));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w1, at))));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w2, at))));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(xv, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w3, at))));
            i = k;
        }
        Reduce4(Fold(a0), Fold(a1), Fold(a2), Fold(a3)).StoreUnsafe(ref y);
        AddTails(ref x, ref w, k, i, ref y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Fold(Vector512<int> v) => Fold(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Fold(Vector256<int> v) => v.GetLower() + v.GetUpper();

    /// <summary>[Σa, Σb, Σc, Σd] of four 4-lane vectors: three phaddd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Reduce4(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) =>
        Ssse3.HorizontalAdd(Ssse3.HorizontalAdd(a, b), Ssse3.HorizontalAdd(c, d));
}
