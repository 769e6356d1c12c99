using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8Lookup
{
    /// <summary>Whether <see cref="RunAvx512Vbmi"/> can run here.</summary>
    public static bool Avx512VbmiIsSupported => Avx512Vbmi.IsSupported;

    /// <summary>The table lookup on AVX-512 VBMI, 64 bytes a step: <c>vpermi2b</c>
    /// (<see cref="Avx512Vbmi.PermuteVar64x8x2(Vector512{byte}, Vector512{byte}, Vector512{byte})"/>) picks from 128 table
    /// bytes by the low 7 bits of each index, once from the lower half of the table and once from the upper half, and the
    /// index's top bit chooses between the two.</summary>
    /// <remarks>Four instructions per 64 bytes against one load per byte for the scalar loop. Without VBMI there is no
    /// byte permute wider than 16 entries (pshufb): AVX2 takes sixteen of those and a tree of blends
    /// (<see cref="RunAvx2"/>). y may be x: every vector is loaded before it is stored, and the last n mod 64 bytes run
    /// scalar rather than as an overlapping vector that would read outputs.</remarks>
    public static void RunAvx512Vbmi(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        if (!Avx512Vbmi.IsSupported) throw new PlatformNotSupportedException("AVX-512 VBMI is not supported on this machine");
        CheckLengths(table, x, y);
        ref byte t = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(table));
        var t0 = Vector512.LoadUnsafe(ref t);
        var t1 = Vector512.LoadUnsafe(ref t, 64);
        var t2 = Vector512.LoadUnsafe(ref t, 128);
        var t3 = Vector512.LoadUnsafe(ref t, 192);
        ref byte xs = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(x));
        ref byte ys = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(y));
        int n = x.Length, i = 0;
        for (; i + 64 <= n; i += 64)
            Lookup(Vector512.LoadUnsafe(ref xs, (nuint)i), t0, t1, t2, t3).StoreUnsafe(ref ys, (nuint)i);
        // The tail in scalar: an overlapping last vector would read bytes already overwritten when y is x.
        for (; i < n; i++) y[i] = table[(byte)x[i]];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Lookup(Vector512<byte> index, Vector512<byte> t0, Vector512<byte> t1, Vector512<byte> t2, Vector512<byte> t3)
    {
        var low = Avx512Vbmi.PermuteVar64x8x2(t0, index, t1);
        var high = Avx512Vbmi.PermuteVar64x8x2(t2, index, t3);
        return Vector512.ConditionalSelect(Vector512.LessThan(index.AsSByte(), Vector512<sbyte>.Zero).AsByte(), high, low);
    }
}
