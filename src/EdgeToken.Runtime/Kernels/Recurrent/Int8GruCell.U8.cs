using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The products of <see cref="Int8GruCell"/>'s AVX-512BW loop for weights that fit vpmaddubsw
/// (<see cref="U8S8Pairs"/>: 7-bit weights always do): x, h and r⊙h (symmetric, [-127, 127]) shifted by 128 to bytes
/// 1..255, 64 weight bytes a vpmaddubsw (two quads of a block of 8 rows) against the broadcast quad pair, then vpmaddwd by
/// ones into int32; each row's sum less 128 · Σw of the row. The same integers as the int16 products, in fewer
/// instructions: per 64 products vpmaddubsw + vpmaddwd + vpaddd against two vpmovsxbw + two vpmaddwd + two vpaddd
/// (PeakMultiplyAdds: 117 against 85 products a nanosecond on Zen 4).</summary>
/// <remarks>The row sums and the check that every weight pair fits are taken at the start of each sequence, from the
/// packed weights (one pass over them, against one pass per step for the products).</remarks>
public static partial class Int8GruCell
{
    /// <summary>How a step's products are taken, known to the JIT per instantiation of the loop.</summary>
    private interface IGruProducts
    {
        /// <summary>True when the operands are the expanded u8 quads (<see cref="ExpandU8"/>) rather than int16 quads.</summary>
        static abstract bool U8 { get; }

        /// <summary>The int32 sums of 16 rows from <paramref name="row"/> (a multiple of 8) of a packed weight with
        /// <paramref name="quads"/> groups of four k, against <paramref name="x"/>; <paramref name="rowSums"/> is the
        /// weight's Σw per packed row (u8 only).</summary>
        static abstract Vector512<int> Sums16(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums);

        /// <summary>The AVX2 loop's: the 8 rows of the block from <paramref name="row"/>; the u8 operand is x + 128 as one
        /// byte per k (<see cref="ToU8"/>), a quad broadcast straight from it.</summary>
        static abstract Vector256<int> Sums8(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums);
    }

    /// <summary>vpmovsxbw + vpmaddwd against int16 quads (Int8GruCell.Avx512BW.cs).</summary>
    private readonly struct WidenedProducts : IGruProducts
    {
        public static bool U8 => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Sums16(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums) =>
            Int8GruCell.Sums16(ref packed, row, quads, ref Unsafe.As<byte, long>(ref x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Sums8(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums) =>
            Int8GruCell.Sums8(ref packed, row, quads, ref Unsafe.As<byte, long>(ref x));
    }

    /// <summary>vpmaddubsw against the expanded u8 quad pairs, corrected by the row sums.</summary>
    private readonly struct U8Products : IGruProducts
    {
        public static bool U8 => true;

        public static Vector256<int> Sums8(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums) =>
            throw new PlatformNotSupportedException("the 512-bit u8 products' operands are quad pairs: the AVX2 loop takes U8Products256");

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Sums16(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums)
        {
            ref sbyte b0 = ref Unsafe.Add(ref packed, row / 8 * quads * 32);
            ref sbyte b1 = ref Unsafe.Add(ref b0, quads * 32);
            var ones = Vector512.Create((short)1);
            Vector512<int> a0 = default, a1 = default, c0 = default, c1 = default;
            int q = 0;
            // Quad pair p (quads 2p, 2p + 1) is 64 bytes at p · 64 of both the expanded x and each block: offset q · 32.
            for (; q + 4 <= quads; q += 4)
            {
                nuint at = (nuint)(q * 32);
                var xa = Vector512.LoadUnsafe(ref x, at);
                var xb = Vector512.LoadUnsafe(ref x, at + 64);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xa, Vector512.LoadUnsafe(ref b0, at)), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xa, Vector512.LoadUnsafe(ref b1, at)), ones);
                c0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xb, Vector512.LoadUnsafe(ref b0, at + 64)), ones);
                c1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xb, Vector512.LoadUnsafe(ref b1, at + 64)), ones);
            }
            for (; q + 2 <= quads; q += 2)
            {
                nuint at = (nuint)(q * 32);
                var xa = Vector512.LoadUnsafe(ref x, at);
                a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xa, Vector512.LoadUnsafe(ref b0, at)), ones);
                a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(xa, Vector512.LoadUnsafe(ref b1, at)), ones);
            }
            if (q < quads) // a last odd quad: its 32 bytes alone (the next 32 of a block belong to the next block, or to nothing)
            {
                nuint at = (nuint)(q * 32);
                var xa = Vector256.LoadUnsafe(ref x, at);
                var one = Vector256.Create((short)1);
                c0 += Vector512.Create(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xa, Vector256.LoadUnsafe(ref b0, at)), one), Vector256<int>.Zero);
                c1 += Vector512.Create(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(xa, Vector256.LoadUnsafe(ref b1, at)), one), Vector256<int>.Zero);
            }
            a0 += c0;
            a1 += c1;
            // Each block's lanes 0-7 hold its rows' even quads, lanes 8-15 the odd ones.
            var sums = Vector512.Create(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper());
            return sums - (Vector512.LoadUnsafe(ref rowSums, (nuint)row) << 7);
        }
    }

    /// <summary>Whether a sequence takes the u8 products: the row sums, W's then R's, put in the layout's RowSums, from the
    /// weights when made at build, otherwise taken from the packed weights now (false when a pair does not fit).</summary>
    private static bool PrepareU8(scoped in Int8GruWeights weights, Span<byte> scratch, Layout layout)
    {
        int rows = 3 * PaddedHidden(weights.Hidden);
        var rowSums = MemoryMarshal.Cast<byte, int>(scratch.Slice(layout.RowSums, 2 * rows * sizeof(int)));
        if (!weights.RowSums.IsEmpty)
        {
            weights.RowSums.CopyTo(rowSums);
            return true;
        }
        return U8RowSums(weights.W, rows, PaddedDepth(weights.Input) / 4, rowSums[..rows])
            && U8RowSums(weights.R, rows, PaddedDepth(weights.Hidden) / 4, rowSums[rows..]);
    }

    /// <summary>For <see cref="Int8GruWeights"/>: Σw of every packed row of one direction's W then R, or null when some
    /// pair of adjacent weights does not fit vpmaddubsw (<see cref="U8S8Pairs"/>; 8-bit weights rarely do). Plain C#: it runs
    /// once, when the layer is built.</summary>
    public static int[]? U8RowSums(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> r, int input, int hidden)
    {
        int rows = 3 * PaddedHidden(hidden);
        var sums = new int[2 * rows];
        return RowSumsScalar(w, rows, PaddedDepth(input) / 4, sums.AsSpan(0, rows)) && RowSumsScalar(r, rows, PaddedDepth(hidden) / 4, sums.AsSpan(rows))
            ? sums : null;
    }

    /// <summary><see cref="U8RowSums(ReadOnlySpan{sbyte}, int, int, Span{int})"/> in plain C#.</summary>
    private static bool RowSumsScalar(ReadOnlySpan<sbyte> packed, int rows, int quads, Span<int> rowSums)
    {
        if (packed.Length < rows * quads * 4) throw new ArgumentException($"packed weight of {packed.Length} bytes for {rows} rows of {quads} quads");
        bool fits = true;
        for (int block = 0; block < rows / 8; block++)
            for (int q = 0; q < quads; q++)
                for (int i = 0; i < 32; i += 2)
                {
                    int at = (block * quads + q) * 32 + i;
                    fits &= U8S8Pairs.Fits(packed[at], packed[at + 1]) && packed[at] != sbyte.MinValue && packed[at + 1] != sbyte.MinValue;
                    rowSums[block * 8 + i / 4] += packed[at] + packed[at + 1];
                }
        return fits;
    }

    /// <summary><see cref="U8Products"/> at 256 bits (the AVX2 loop): one vpmaddubsw per quad of a block (8 rows × 4 k)
    /// against the quad's four bytes broadcast, vpmaddwd by ones, and row r's sum lands in lane r: no shuffle at the end.</summary>
    private readonly struct U8Products256 : IGruProducts
    {
        public static bool U8 => true;

        public static Vector512<int> Sums16(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums) =>
            throw new PlatformNotSupportedException("the 256-bit u8 products have no 512-bit form");

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Sums8(ref sbyte packed, int row, int quads, ref byte x, ref int rowSums)
        {
            ref sbyte block = ref Unsafe.Add(ref packed, row / 8 * quads * 32);
            ref uint xq = ref Unsafe.As<byte, uint>(ref x);
            var ones = Vector256.Create((short)1);
            Vector256<int> a0 = default, a1 = default;
            int q = 0;
            for (; q + 2 <= quads; q += 2)
            {
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref xq, q)).AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(q * 32))), ones);
                a1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref xq, q + 1)).AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(q * 32 + 32))), ones);
            }
            if (q < quads)
                a0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref xq, q)).AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(q * 32))), ones);
            return a0 + a1 - (Vector256.LoadUnsafe(ref rowSums, (nuint)row) << 7);
        }
    }

    /// <summary>n int16 values (a multiple of 8; symmetric, [-127, 127]) as bytes x + 128, for <see cref="U8Products256"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ToU8(ref short q, int n, ref byte dst)
    {
        var shift = Vector128.Create((short)128);
        for (int j = 0; j < n; j += 8)
        {
            var v = Vector128.LoadUnsafe(ref q, (nuint)j) + shift;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, j), Vector128.Narrow(v, v).AsUInt64().ToScalar());
        }
    }

    /// <summary>Σw of every packed row of <paramref name="packed"/> (blocks of 8 rows, <paramref name="quads"/> quads each)
    /// into <paramref name="rowSums"/>; false when some pair of adjacent weights does not fit <see cref="U8S8Pairs"/>.</summary>
    private static bool U8RowSums(ReadOnlySpan<sbyte> packed, int rows, int quads, Span<int> rowSums)
    {
        ref sbyte w = ref MemoryMarshal.GetReference(packed);
        ref int sums = ref MemoryMarshal.GetReference(rowSums);
        var ones8 = Vector256.Create((sbyte)1);
        var ones16 = Vector256.Create((short)1);
        var widest = Vector256<short>.Zero;
        for (int block = 0; block < rows / 8; block++)
        {
            var acc = Vector256<int>.Zero;
            ref sbyte b = ref Unsafe.Add(ref w, block * quads * 32);
            for (int q = 0; q < quads; q++)
            {
                var v = Vector256.LoadUnsafe(ref b, (nuint)(q * 32));
                // |a| + |b| of each pair: vpabsb gives 128 for -128 as an unsigned byte, so -128 counts as 128.
                widest = Vector256.Max(widest, Avx2.MultiplyAddAdjacent(Avx2.Abs(v), ones8));
                acc += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Vector256.Create((byte)1), v), ones16);
            }
            acc.StoreUnsafe(ref sums, (nuint)(block * 8));
        }
        return Vector256.LessThanOrEqualAll(widest, Vector256.Create((short)U8S8Pairs.Bound));
    }

    /// <summary>The int16 quads of a quantized vector (<paramref name="quads"/> of them) as bytes x + 128, each pair of quads
    /// as 64 bytes: the first quad repeated 8 times, then the second (past an odd last quad, bytes nothing reads), what vpmaddubsw takes
    /// against 64 bytes of a block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpandU8(ref short q, int quads, ref byte dst)
    {
        var shift = Vector128.Create((short)128);
        var pattern = Vector512.Create(
            (byte)0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,
            4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7);
        for (int p = 0; 2 * p < quads; p++)
        {
            var v = 2 * p + 1 < quads
                ? Vector128.LoadUnsafe(ref q, (nuint)(8 * p))
                : Vector128.Create(Vector64.LoadUnsafe(ref q, (nuint)(8 * p)), Vector64<short>.Zero);
            var bytes = Vector128.Narrow(v + shift, v + shift).AsUInt64().ToScalar(); // 1..255 each, truncated to a byte
            Avx512BW.Shuffle(Vector512.Create(bytes).AsByte(), pattern).StoreUnsafe(ref dst, (nuint)(64 * p));
        }
    }
}
