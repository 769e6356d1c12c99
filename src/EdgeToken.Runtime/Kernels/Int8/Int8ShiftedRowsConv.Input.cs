using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

// The input side: the image widened to int16 pairs in the bordered, phase-split plane the micro-kernels read.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>x [C, H, W] into the bordered pair plane: the image's pairs, 16 at a time where rows are unstrided, and
    /// the zero point's pair in the border only (a pointwise convolution has none), so each pair is written once.</summary>
    private void LoadInput(ReadOnlySpan<sbyte> x, int zeroPoint, Span<int> plane)
    {
        var g = _g;
        var l = _layout;
        int border = Pair(zeroPoint, zeroPoint), hw = g.Height * g.Width;
        int top = l.Lead + g.PadTop * l.RowStride, bottom = l.Lead + (g.PadTop + g.Height) * l.RowStride, right = g.PadLeft + g.Width;
        for (int pair = 0; pair < l.Pairs; pair++)
        {
            int c = 2 * pair;
            var lo = x.Slice(c * hw, hw);
            var hi = c + 1 < g.Channels ? x.Slice((c + 1) * hw, hw) : default;
            var dst = plane.Slice(pair * l.PlaneInts, l.ColumnPlane);
            dst[..top].Fill(border);
            dst[bottom..].Fill(border); // the rows below and the slack the last vectors read past them
            if (g.StrideW == 1 && l.RowStride == g.Width) // no column padding: the rows are one run, as in the image
            {
                Interleave(lo, hi, dst.Slice(top, hw));
                if (l.WrappedColumns) WrapColumns(plane.Slice(pair * l.PlaneInts, l.PlaneInts), border);
                continue;
            }
            for (int ih = 0; ih < g.Height; ih++)
            {
                var row = dst.Slice(top + ih * l.RowStride, l.RowStride);
                var a = lo.Slice(ih * g.Width, g.Width);
                var b = hi.IsEmpty ? hi : hi.Slice(ih * g.Width, g.Width);
                if (g.StrideW == 1)
                {
                    row[..g.PadLeft].Fill(border);
                    row[right..].Fill(border);
                    Interleave(a, b, row.Slice(g.PadLeft, g.Width));
                }
                else
                {
                    row.Fill(border);
                    SplitPhases(a, b, g.PadLeft, g.StrideW, l.PhaseWidth, row);
                }
            }
        }
    }

    /// <summary><see cref="Layout.WrappedColumns"/>: from the unit's first column plane, as the loader wrote it, each kernel
    /// column's copy, with the columns its taps wrap onto (the last −d of every image row for an offset d &lt; 0, the first d
    /// for d &gt; 0) set to <paramref name="border"/>. Int8 pairs and quads alike: one int per position.</summary>
    private void WrapColumns(Span<int> unit, int border)
    {
        var g = _g;
        var l = _layout;
        var first = unit[..l.ColumnPlane];
        for (int j = g.KernelW - 1; j >= 0; j--)
        {
            var copy = unit.Slice(j * l.ColumnPlane, l.ColumnPlane);
            if (j > 0) first.CopyTo(copy);
            int d = j * g.DilationW - g.PadLeft;
            if (d == 0) continue;
            int from = d < 0 ? g.Width + d : 0, count = Math.Abs(d);
            for (int ih = 0; ih < g.Height; ih++) copy.Slice(l.Lead + (g.PadTop + ih) * l.RowStride + from, count).Fill(border);
        }
    }

    /// <summary>One strided row: input column iw (at padded position iw + <paramref name="padLeft"/>) to phase
    /// position % stride, index position / stride. Stride 2 (the usual downsampling stem) splits 16 columns at a time
    /// on AVX2: read as 32-bit lanes of two sign-extended columns, the low halves are one phase's pairs and the high
    /// halves the other's. Other strides go one phase at a time, so no element needs a division.</summary>
    private static unsafe void SplitPhases(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, int padLeft, int stride, int phaseWidth, Span<int> row)
    {
        if (stride == 2 && Avx2.IsSupported && row.Length >= 2 * phaseWidth && (b.IsEmpty || b.Length >= a.Length))
        {
            int iw = 0;
            fixed (sbyte* pa = a)
            fixed (sbyte* pb = b)
            fixed (int* pr = row)
            {
                var low = Vector256.Create(0xFFFF);
                for (; iw <= a.Length - 16; iw += 16)
                {
                    var va = Avx2.ConvertToVector256Int16(Vector128.Load(pa + iw)).AsInt32();
                    var vb = pb == null ? Vector256<int>.Zero : Avx2.ConvertToVector256Int16(Vector128.Load(pb + iw)).AsInt32();
                    int pos = iw + padLeft;
                    ((va & low) | Vector256.ShiftLeft(vb, 16)).Store(pr + (pos & 1) * phaseWidth + (pos >> 1));
                    (Vector256.ShiftRightLogical(va, 16) | (vb & ~low)).Store(pr + ((pos + 1) & 1) * phaseWidth + ((pos + 1) >> 1));
                }
            }
            for (; iw < a.Length; iw++)
            {
                int pos = iw + padLeft;
                row[(pos & 1) * phaseWidth + (pos >> 1)] = Pair(a[iw], b.IsEmpty ? 0 : b[iw]);
            }
            return;
        }
        for (int phase = 0; phase < stride; phase++)
        {
            int first = ((phase - padLeft) % stride + stride) % stride; // the first column whose padded position is in this phase
            var dst = row.Slice(phase * phaseWidth, phaseWidth);
            for (int iw = first, u = (first + padLeft) / stride; iw < a.Length; iw += stride, u++)
                dst[u] = Pair(a[iw], b.IsEmpty ? 0 : b[iw]);
        }
    }

    /// <summary>dst[i] = (a[i], b[i]) as an int16 pair, b[i] = 0 when <paramref name="b"/> is empty: on AVX2, 16 bytes of
    /// each row sign-extended (vpmovsxbw), interleaved within 128-bit lanes and the lanes put back in order.</summary>
    private static unsafe void Interleave(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<int> dst)
    {
        int i = 0, n = a.Length;
        if (Avx2.IsSupported && dst.Length >= n && (b.IsEmpty || b.Length >= n))
        {
            fixed (sbyte* pa = a)
            fixed (sbyte* pb = b)
            fixed (int* pd = dst)
            {
                for (; i <= n - 16; i += 16)
                {
                    var va = Avx2.ConvertToVector256Int16(Vector128.Load(pa + i));
                    var vb = pb == null ? Vector256<short>.Zero : Avx2.ConvertToVector256Int16(Vector128.Load(pb + i));
                    var low = Avx2.UnpackLow(va, vb);   // pairs 0-3 | 8-11
                    var high = Avx2.UnpackHigh(va, vb); // pairs 4-7 | 12-15
                    Avx2.Permute2x128(low, high, 0x20).AsInt32().Store(pd + i);
                    Avx2.Permute2x128(low, high, 0x31).AsInt32().Store(pd + i + 8);
                }
            }
        }
        for (; i < n; i++) dst[i] = Pair(a[i], b.IsEmpty ? 0 : b[i]);
    }
}
