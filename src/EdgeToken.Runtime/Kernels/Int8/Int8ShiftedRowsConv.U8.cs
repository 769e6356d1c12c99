using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

// The u8 x s8 form (vpmaddubsw) of the kernel, for weights whose channel pairs all fit U8S8Pairs: the input as bytes
// x + 128, four channels to a 32-bit lane, and the weights as four bytes of the same four channels.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>True when the x86 paths run the u8 x s8 kernels: the channel count makes quads cheaper than pairs, and
    /// every pair of adjacent input channels' weights at every tap fits <see cref="U8S8Pairs"/> (7-bit weights always do)
    /// or the remainders of the pairs that do not (<see cref="Split"/>) cost less than the quads save.</summary>
    public bool U8S8 => _quadWeights is not null && !Dot;

    /// <summary>How many (channel, tap, quad) steps of the u8 kernels carry a remainder (<see cref="Split"/>): 0 for
    /// weights whose pairs all fit.</summary>
    public int U8Remainders => U8S8 ? _remainders!.Count : 0;

    /// <summary>The (channel, tap, quad) steps of the u8 kernels: what <see cref="U8Remainders"/> is a part of.</summary>
    public long U8Steps => (long)_g.OutChannels * _g.KernelH * _g.KernelW * ((_g.Channels + 3) / 4);

    // [M/MR][taps][C/4][MR] four weight bytes (channels 4q..4q+3 at a tap) per int, and -128 · Σw per output channel.
    private readonly int[]? _quadWeights;
    private readonly int[]? _correction;
    private readonly QuadRemainders? _remainders;
    /// <summary>The input channel in each place of the quads (<see cref="QuadOrder"/>), or null for their own order.</summary>
    private readonly int[]? _quadOrder;

    /// <summary>Whether the u8 kernels are worth it for <paramref name="channels"/> inputs, their weights fitting.</summary>
    /// <remarks>Per tap, output channel and vector of pixels the pair kernel spends two instructions (vpmaddwd, vpaddd) per
    /// channel pair, the u8 kernel three (vpmaddubsw, vpmaddwd with ones, vpaddd) per quad of channels: quads win from 3
    /// channels on, except at 5 and 6 (ties: 2 quads, 3 pairs), and lose at 1 and 2, where most of a quad would be zeros.</remarks>
    internal static bool QuadsPay(int channels) => 3 * ((channels + 3) / 4) < 2 * ((channels + 1) / 2);

    /// <summary>The quad weights (of the fitted part, <see cref="Split"/>, in the channel order with the fewer remainders:
    /// their own or <see cref="QuadOrder"/>'s), their remainders, the corrections and the order, or nulls when quads do
    /// not pay.</summary>
    private static (int[]? Quads, int[]? Correction, QuadRemainders? Remainders, int[]? Order) PackU8(Int8ConvGeometry g, ReadOnlySpan<sbyte> w,
        int blocks, int[] tapOffsets, int planeInts)
    {
        if (ChooseSplit(g, w, blocks, tapOffsets, planeInts) is not var (fitted, remainders, order)) return (null, null, null, null);
        int taps = g.KernelH * g.KernelW, c = g.Channels;
        var correction = new int[blocks * MR];
        for (int o = 0; o < g.OutChannels; o++)
        {
            int sum = 0;
            foreach (sbyte v in w.Slice(o * c * taps, c * taps)) sum += v;
            correction[o] = -128 * sum;
        }
        return (PackQuads(g, fitted, blocks), correction, remainders, order);
    }

    /// <summary>w [M, C, kH, kW] as quads [M/MR][taps][C/4][MR]: entry (block, tap, quad, k) holds output channel
    /// block·MR + k's weights of input channels 4·quad..4·quad + 3 at that tap as four bytes, the first in the low byte,
    /// zeros past M and past C.</summary>
    private static int[] PackQuads(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, int blocks)
    {
        int taps = g.KernelH * g.KernelW, c = g.Channels, m = g.OutChannels, quads = (c + 3) / 4;
        var packed = new int[blocks * taps * quads * MR];
        for (int o = 0; o < m; o++)
        {
            int b = o / MR, k = o % MR;
            for (int t = 0; t < taps; t++)
                for (int q = 0; q < quads; q++)
                {
                    int quad = 0;
                    for (int j = 0; j < 4 && 4 * q + j < c; j++) quad |= (byte)w[(o * c + 4 * q + j) * taps + t] << (8 * j);
                    packed[((b * taps + t) * quads + q) * MR + k] = quad;
                }
        }
        return packed;
    }

    /// <summary>The four bytes x ^ <paramref name="flip"/> of one pixel's four channels, channel 4q in the low byte: x + 128
    /// as u8 for a flip of 0x80 (the x86 u8 kernels), x itself for 0 (ARM64's signed sdot).</summary>
    private static int Quad(int a, int b, int c, int d, int flip) =>
        (byte)(a ^ flip) | (byte)(b ^ flip) << 8 | (byte)(c ^ flip) << 16 | (byte)(d ^ flip) << 24;

    /// <summary>x [C, H, W] into the bordered quad plane: as <see cref="LoadInput"/>, with four channels of bytes x + 128 per lane
    /// and the zero point's quad in the border. Its [C/4][PlaneInts] ints fit in the pair plane's scratch.</summary>
    private void LoadInputU8(ReadOnlySpan<sbyte> x, int zeroPoint, Span<int> plane) => LoadInputQuads(x, zeroPoint, plane, 0x80, _quadOrder);

    /// <summary>The quad plane with each byte x ^ <paramref name="flip"/> (see <see cref="Quad"/>).</summary>
    private void LoadInputQuads(ReadOnlySpan<sbyte> x, int zeroPoint, Span<int> plane, int flip, int[]? order = null)
    {
        var g = _g;
        var l = _layout;
        int border = Quad(zeroPoint, zeroPoint, zeroPoint, zeroPoint, flip), hw = g.Height * g.Width, quads = (g.Channels + 3) / 4;
        int top = l.Lead + g.PadTop * l.RowStride, bottom = l.Lead + (g.PadTop + g.Height) * l.RowStride, right = g.PadLeft + g.Width;
        for (int q = 0; q < quads; q++)
        {
            var c0 = Channel(x, 4 * q, hw, order);
            var c1 = Channel(x, 4 * q + 1, hw, order);
            var c2 = Channel(x, 4 * q + 2, hw, order);
            var c3 = Channel(x, 4 * q + 3, hw, order);
            var dst = plane.Slice(q * l.PlaneInts, l.ColumnPlane);
            dst[..top].Fill(border);
            dst[bottom..].Fill(border);
            if (g.StrideW == 1 && l.RowStride == g.Width)
            {
                Interleave4(c0, c1, c2, c3, dst.Slice(top, hw), flip);
                if (l.WrappedColumns) WrapColumns(plane.Slice(q * l.PlaneInts, l.PlaneInts), border);
                continue;
            }
            for (int ih = 0; ih < g.Height; ih++)
            {
                var row = dst.Slice(top + ih * l.RowStride, l.RowStride);
                int at = ih * g.Width;
                ReadOnlySpan<sbyte> r0 = Row(c0, at, g.Width), r1 = Row(c1, at, g.Width), r2 = Row(c2, at, g.Width), r3 = Row(c3, at, g.Width);
                if (g.StrideW == 1)
                {
                    row[..g.PadLeft].Fill(border);
                    row[right..].Fill(border);
                    Interleave4(r0, r1, r2, r3, row.Slice(g.PadLeft, g.Width), flip);
                }
                else
                {
                    row.Fill(border);
                    for (int iw = 0; iw < g.Width; iw++)
                    {
                        int pos = iw + g.PadLeft;
                        row[pos % g.StrideW * l.PhaseWidth + pos / g.StrideW] = Quad(r0[iw], At(r1, iw), At(r2, iw), At(r3, iw), flip);
                    }
                }
            }
        }
    }

    /// <summary>The input channel in place <paramref name="c"/> of the quads, or nothing past the last.</summary>
    private ReadOnlySpan<sbyte> Channel(ReadOnlySpan<sbyte> x, int c, int hw, int[]? order) =>
        c < _g.Channels ? x.Slice((order is null ? c : order[c]) * hw, hw) : default;

    private static ReadOnlySpan<sbyte> Row(ReadOnlySpan<sbyte> channel, int at, int width) => channel.IsEmpty ? channel : channel.Slice(at, width);

    private static int At(ReadOnlySpan<sbyte> row, int i) => row.IsEmpty ? 0 : row[i];

    /// <summary>dst[i] = the quad (a[i], b[i], c[i], d[i]) ^ flip, a missing channel's bytes the flip: 16 pixels at a time
    /// by two rounds of interleaving (bytes of a with b and c with d, then those 16-bit pairs together), with punpck on
    /// x86 and zip1/zip2 on ARM64.</summary>
    private static void Interleave4(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, ReadOnlySpan<sbyte> c, ReadOnlySpan<sbyte> d, Span<int> dst, int flip)
    {
        int i = 0, n = a.Length;
        if ((Sse2.IsSupported || AdvSimd.Arm64.IsSupported) && dst.Length >= n)
        {
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            ref sbyte rc = ref MemoryMarshal.GetReference(c);
            ref sbyte rd = ref MemoryMarshal.GetReference(d);
            ref int rdst = ref MemoryMarshal.GetReference(dst);
            var f = Vector128.Create((sbyte)flip);
            for (; i <= n - 16; i += 16)
            {
                var va = Vector128.LoadUnsafe(ref ra, (nuint)i) ^ f;
                var vb = (b.IsEmpty ? Vector128<sbyte>.Zero : Vector128.LoadUnsafe(ref rb, (nuint)i)) ^ f;
                var vc = (c.IsEmpty ? Vector128<sbyte>.Zero : Vector128.LoadUnsafe(ref rc, (nuint)i)) ^ f;
                var vd = (d.IsEmpty ? Vector128<sbyte>.Zero : Vector128.LoadUnsafe(ref rd, (nuint)i)) ^ f;
                var abLow = Low(va, vb).AsInt16();
                var abHigh = High(va, vb).AsInt16();
                var cdLow = Low(vc, vd).AsInt16();
                var cdHigh = High(vc, vd).AsInt16();
                Low(abLow, cdLow).AsInt32().StoreUnsafe(ref rdst, (nuint)i);
                High(abLow, cdLow).AsInt32().StoreUnsafe(ref rdst, (nuint)(i + 4));
                Low(abHigh, cdHigh).AsInt32().StoreUnsafe(ref rdst, (nuint)(i + 8));
                High(abHigh, cdHigh).AsInt32().StoreUnsafe(ref rdst, (nuint)(i + 12));
            }
        }
        for (; i < n; i++) dst[i] = Quad(a[i], At(b, i), At(c, i), At(d, i), flip);
    }

    /// <summary>The low eight bytes of <paramref name="a"/> and <paramref name="b"/> interleaved (punpcklbw, zip1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Low(Vector128<sbyte> a, Vector128<sbyte> b) =>
        Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

    /// <summary>The high eight bytes interleaved (punpckhbw, zip2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> High(Vector128<sbyte> a, Vector128<sbyte> b) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);

    /// <summary>The low four int16 of each interleaved (punpcklwd, zip1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Low(Vector128<short> a, Vector128<short> b) =>
        Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

    /// <summary>The high four int16 interleaved (punpckhwd, zip2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> High(Vector128<short> a, Vector128<short> b) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);
}
