using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>An ungrouped int8 convolution with the output channels in the vector lanes: the patches gathered as the GEMM
/// path gathers them and widened to int16, then per 16 output channels (one 512-bit register of int32 sums) and pixel,
/// vpmaddwd of the channels' weight pairs with the pixel's broadcast input pair. For the layers whose pixels fill the
/// lanes of <see cref="Int8ShiftedRowsConv"/> badly: few outputs per row (a wake-word model's late 2 x 4 maps), or
/// large strides (an STFT as a 512-tap convolution with stride 160, whose 8 outputs a row are 160 inputs apart).</summary>
/// <remarks>
/// <para>Weights: blocks of <see cref="Lanes"/> output channels (the last padded with zero channels), in each block per
/// pair of patch positions the 16 channels' two bytes side by side, 32 bytes, which one vpmovsxbw widens to the int16
/// pairs vpmaddwd takes. Patch positions past the patch size are zero weights.</para>
/// <para>A tile is two blocks (32 channels) by eight pixels, sixteen accumulators: per pair of positions two weight
/// loads and widenings and eight broadcasts serve sixteen vpmaddwd (32 products each). The sums are requantized in the
/// lanes (<see cref="ChannelLaneRequantization"/>, the form remembered when the kernel was made) and the eight pixels'
/// bytes transposed into one 8-byte store per channel; otherwise they go to the int32 plane [channel, pixel] the GEMM
/// path fills, and its requantization follows.</para>
/// <para>x64 with AVX-512BW or AVX2 (Int8ChannelLanesConv.Avx2.cs: a block as two 256-bit halves, one block by four
/// pixels a tile); on ARM64 the convolution keeps its other kernels (<see cref="Prefers"/> decides at build time on the
/// geometry, the kernel at run time on the path). <see cref="Int8Path.Scalar"/> runs the same blocking in plain C#, for
/// the tests.</para>
/// </remarks>
public sealed partial class Int8ChannelLanesConv
{
    /// <summary>Output channels per register of sums.</summary>
    public const int Lanes = 16;

    private readonly Int8ConvGeometry _g;
    /// <summary>[block][pair][channel][2] as described in the remarks, from a 64-byte boundary of <see cref="_storage"/>
    /// (pinned, so the boundary stays one): a 32-byte weight load never straddles two cache lines.</summary>
    private readonly Memory<sbyte> _weightMemory;
    private readonly sbyte[] _storage;
    private Span<sbyte> _weights => _weightMemory.Span;

    /// <param name="packedRows">The weights as <see cref="Int8Conv.PackWeights"/> lays them out: one row of
    /// <see cref="Int8ConvGeometry.PatchStride"/> bytes per output channel, in the patches' order.</param>
    public Int8ChannelLanesConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> packedRows)
    {
        if (!Applies(g)) throw new ArgumentException("the channel-lanes kernel runs ungrouped convolutions");
        _g = g;
        int pairs = Pairs(g), stride = g.PatchStride;
        int bytes = Blocks(g) * pairs * Lanes * 2;
        _storage = GC.AllocateArray<sbyte>(bytes + 63, pinned: true);
        int skew = Skew(_storage);
        _weightMemory = _storage.AsMemory((64 - skew) & 63, bytes);
        for (int m = 0; m < g.OutChannels; m++)
        {
            var row = packedRows.Slice(m * stride, g.PatchSize);
            int block = m / Lanes, lane = m % Lanes;
            for (int k = 0; k < row.Length; k++)
                _weights[((block * pairs + k / 2) * Lanes + lane) * 2 + k % 2] = row[k];
        }
    }

    /// <summary>Bytes past a 64-byte boundary where the pinned array's data starts.</summary>
    private static unsafe int Skew(sbyte[] pinned) => (int)((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) & 63);

    /// <summary>True for the convolutions it can run: ungrouped, not depthwise.</summary>
    public static bool Applies(Int8ConvGeometry g) => g.Group == 1 && !g.IsDepthwise;

    /// <summary>Whether an x64 machine (AVX-512BW or AVX2) should run <paramref name="g"/> on this kernel rather than on
    /// <see cref="Int8ShiftedRowsConv"/>: when the shifted rows' 512-bit multiply-adds
    /// (<see cref="Int8ShiftedRowsConv.MultiplyAdds"/>) are at least <see cref="Margin"/> times this kernel's
    /// (<see cref="Cost"/>). With <paramref name="rowsU8S8"/> (weights that fit vpmaddubsw, see
    /// <see cref="Int8ShiftedRowsConv.U8S8"/>) the shifted rows do twice the products per instruction, less what the
    /// remainders of 8-bit weights cost (<paramref name="remainderShare"/>: the share of the u8 steps with one, each about
    /// 4/3 of a step).</summary>
    /// <remarks>Pixels in the lanes waste them where output rows are short or strided; channels in the lanes waste
    /// them only in the last block of 16. Timed against the shifted rows on 18 shapes (openWakeWord's late layers, an
    /// STFT, strided and padded 3x3, 1-D stems and layers, Zen 4, 2026-11-25): the rule picked the faster kernel on all
    /// 18; the closest call, a 64-channel 3x3 layer over 12 x 12, 78 against 85 µs.</remarks>
    /// <param name="path">The path both kernels would run on: <see cref="Int8Path.Avx2"/> asks for <see cref="Avx2Margin"/>.</param>
    public static bool Prefers(Int8ConvGeometry g, bool rowsU8S8 = false, Int8Path path = Int8Path.Avx512BW, double remainderShare = 0) =>
        Applies(g) && Int8ShiftedRowsConv.MultiplyAdds(g) / (rowsU8S8 ? 2.0 / (1 + 4.0 / 3 * remainderShare) : 1.0)
            >= (path == Int8Path.Avx2 ? Avx2Margin : Margin) * Cost(g);

    /// <summary>How much fewer multiply-adds this kernel must need to be taken: it also gathers and widens the patches.</summary>
    public const double Margin = 1.15;

    /// <summary>The margin on AVX2, where this kernel's tile is one block by four pixels (sixteen registers) and the
    /// shifted rows' 4 x 16 blocks keep more of their lead: timed with <c>DOTNET_EnableAVX512=0</c> on the same 18 shapes,
    /// channel lanes won from about 3x fewer multiply-adds (melspectrogram's STFT 19.7 against 39.1 µs, rows of 2: 7.9
    /// against 11.8) and lost below 2x (openWakeWord's 1x3 over rows of 8: 40.8 against 30.5 µs); 2.5 takes only the
    /// winners.</summary>
    public const double Avx2Margin = 2.5;

    /// <summary>This kernel's cost in 512-bit vpmaddwd: one per block of 16 channels, pixel and pair of patch positions,
    /// plus the per-pixel gather, widening and stores counted as 16 of them (fitted to the measurements above: a 3-channel
    /// stem with 27-long patches loses despite fewer multiply-adds).</summary>
    public static long Cost(Int8ConvGeometry g) => (long)Blocks(g) * g.OutPixels * Pairs(g) + 16L * g.OutPixels;

    /// <summary>Scratch on top of the GEMM path's (<see cref="Int8ConvGeometry.GemmScratchBytes"/>, whose patches, sums and
    /// transposed input it uses): the patches widened to int16, [OutPixels, 2·pairs].</summary>
    public static int ExtraScratchBytes(Int8ConvGeometry g) => (g.OutPixels * Pairs(g) * 2 * sizeof(short) + 63) & ~63;

    private static int Pairs(Int8ConvGeometry g) => (g.PatchSize + 1) / 2;
    private static int Blocks(Int8ConvGeometry g) => (g.OutChannels + Lanes - 1) / Lanes;

    /// <summary>One image from the gathered <paramref name="patches"/> [OutPixels, PatchStride]: with the
    /// requantizations this kernel remembered (<see cref="Remember"/>) as <paramref name="narrow"/>, the bytes straight into
    /// <paramref name="y"/> [OutChannels, OutPixels] (returns true); otherwise the int32 sums into <paramref name="acc"/>
    /// [OutChannels, OutPixels] for the caller to requantize (returns false). <paramref name="wide"/> is
    /// <see cref="ExtraScratchBytes"/> of scratch; <paramref name="path"/> is <see cref="Int8Path.Avx512BW"/>,
    /// <see cref="Int8Path.Avx2"/> or <see cref="Int8Path.Scalar"/>.</summary>
    public bool Run(ReadOnlySpan<sbyte> patches, Span<byte> wide, Span<int> acc, Span<sbyte> y, ReadOnlySpan<NarrowRequantization> narrow, Int8Path path) =>
        Run(patches, wide, acc, y, narrow, default, default, 0, 0, 0, path);

    /// <summary><see cref="Run(ReadOnlySpan{sbyte}, Span{byte}, Span{int}, Span{sbyte}, ReadOnlySpan{NarrowRequantization}, Int8Path)"/>;
    /// without <paramref name="narrow"/>, the bytes go straight into <paramref name="y"/> when the folded
    /// <paramref name="bias"/>, <paramref name="scales"/>, zero point and clamp are the ones remembered by
    /// <see cref="RememberFull"/>.</summary>
    public bool Run(ReadOnlySpan<sbyte> patches, Span<byte> wide, Span<int> acc, Span<sbyte> y, ReadOnlySpan<NarrowRequantization> narrow,
        ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales, int outputZeroPoint, int min, int max, Int8Path path)
    {
        var g = _g;
        int pairs = Pairs(g), pixels = g.OutPixels;
        if (patches.Length < pixels * g.PatchStride || wide.Length < ExtraScratchBytes(g) || acc.Length < g.OutChannels * pixels || y.Length < g.OutChannels * pixels)
            throw new ArgumentException("patches, scratch, sums or output too short for the convolution");
        var x = MemoryMarshal.Cast<byte, short>(wide.Slice(0, pixels * pairs * 2 * sizeof(short)));
        for (int p = 0; p < pixels; p++)
        {
            var src = patches.Slice(p * g.PatchStride, g.PatchSize);
            var dst = x.Slice(p * pairs * 2, pairs * 2);
            Widen(src, dst);
            if (g.PatchSize % 2 != 0) dst[^1] = 0;
        }
        var requantization = !narrow.IsEmpty ? RequantizationFor(narrow)
            : _full is { } full && !scales.IsEmpty && full.Matches(g.OutChannels, bias, scales, outputZeroPoint, min, max) ? full : null;
        if (path == Int8Path.Avx2 && requantization is { IsFull: true }) requantization = null; // no 256-bit full form: through the plane
        if (path == Int8Path.Avx512BW) SumsAvx512BW(x, acc, y, requantization);
        else if (path == Int8Path.Avx2) SumsAvx2(x, acc, y, requantization);
        else if (path == Int8Path.Scalar) SumsScalar(x, acc, y, requantization);
        else throw new PlatformNotSupportedException($"the channel-lanes convolution has no {path} path");
        return requantization is not null;
    }

    private NarrowRequantization[]? _remembered;
    private ChannelLaneRequantization? _requantization;

    /// <summary>Lays out <paramref name="narrow"/> (one per output channel) for requantizing in the lanes; <see cref="Run(ReadOnlySpan{sbyte}, Span{byte}, Span{int}, Span{sbyte}, ReadOnlySpan{NarrowRequantization}, Int8Path)"/>
    /// uses it when handed this same array. Called once, when the kernel is made.</summary>
    public void Remember(NarrowRequantization[] narrow)
    {
        if (narrow.Length != _g.OutChannels) throw new ArgumentException($"{narrow.Length} requantizations for {_g.OutChannels} output channels");
        _requantization = new ChannelLaneRequantization(narrow);
        _remembered = narrow;
    }

    private ChannelLaneRequantization? _full;

    /// <summary>Lays out the full (64-bit) requantization for the layers with no narrow form: <see cref="Run(ReadOnlySpan{sbyte}, Span{byte}, Span{int}, Span{sbyte}, ReadOnlySpan{NarrowRequantization}, ReadOnlySpan{int}, ReadOnlySpan{FixedPointMultiplier}, int, int, int, Int8Path)"/>
    /// uses it when handed the same values. Called once, when the kernel is made.</summary>
    public void RememberFull(ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales, int outputZeroPoint, int min, int max)
    {
        if (scales.Length != 1 && scales.Length != _g.OutChannels || !bias.IsEmpty && bias.Length != _g.OutChannels)
            throw new ArgumentException($"bias or scales do not fit {_g.OutChannels} output channels");
        _full = new ChannelLaneRequantization(_g.OutChannels, bias, scales, outputZeroPoint, min, max);
    }

    private ChannelLaneRequantization? RequantizationFor(ReadOnlySpan<NarrowRequantization> narrow) =>
        _remembered is { } r && narrow.Length == r.Length && narrow.Length > 0
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(narrow), ref MemoryMarshal.GetArrayDataReference(r)) ? _requantization : null;

    private static void Widen(ReadOnlySpan<sbyte> src, Span<short> dst)
    {
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            ref sbyte s = ref MemoryMarshal.GetReference(src);
            ref short d = ref MemoryMarshal.GetReference(dst);
            for (; i + 32 <= src.Length; i += 32)
                Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        else if (Avx2.IsSupported)
        {
            ref sbyte s = ref MemoryMarshal.GetReference(src);
            ref short d = ref MemoryMarshal.GetReference(dst);
            for (; i + 16 <= src.Length; i += 16)
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    /// <summary>The blocking of <see cref="SumsAvx512BW"/> in plain C#: per block of 16 channels and pixel, pairs of products
    /// added into each channel's int32 sum.</summary>
    private void SumsScalar(ReadOnlySpan<short> x, Span<int> acc, Span<sbyte> y, ChannelLaneRequantization? requantization)
    {
        var g = _g;
        int pairs = Pairs(g), pixels = g.OutPixels;
        Span<int> lanes = stackalloc int[Lanes];
        for (int b = 0; b < Blocks(g); b++)
            for (int p = 0; p < pixels; p++)
            {
                lanes.Clear();
                for (int q = 0; q < pairs; q++)
                {
                    int x0 = x[(p * pairs + q) * 2], x1 = x[(p * pairs + q) * 2 + 1];
                    var w = _weights.Slice((b * pairs + q) * Lanes * 2, Lanes * 2);
                    for (int l = 0; l < Lanes; l++) lanes[l] += w[2 * l] * x0 + w[2 * l + 1] * x1;
                }
                if (requantization is null) StoreLanes(lanes, b, p, acc);
                else
                    for (int l = 0; l < Math.Min(Lanes, g.OutChannels - b * Lanes); l++)
                        y[(b * Lanes + l) * pixels + p] = requantization.Apply(lanes[l], b * Lanes + l);
            }
    }

    /// <summary>One block's 16 sums for pixel <paramref name="p"/> into the plane, the padding channels dropped.</summary>
    private void StoreLanes(ReadOnlySpan<int> lanes, int block, int p, Span<int> acc)
    {
        int pixels = _g.OutPixels, count = Math.Min(Lanes, _g.OutChannels - block * Lanes);
        for (int l = 0; l < count; l++) acc[(block * Lanes + l) * pixels + p] = lanes[l];
    }
}
