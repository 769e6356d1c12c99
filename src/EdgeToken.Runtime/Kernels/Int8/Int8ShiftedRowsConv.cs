using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>An ungrouped int8 convolution as a register-blocked implicit GEMM on int16 pairs, the int8 counterpart of the
/// float <c>ShiftedRowsConvKernel</c>: vector lanes are consecutive output pixels, so the outputs come out channel-major
/// ([M, OH, OW], what the next operator reads) with no transposition and no horizontal sums.</summary>
/// <remarks>
/// <para>Once per image the input is widened to int16 and interleaved by channel pairs into a bordered plane
/// [C/2][rows][row] of 32-bit (x[c], x[c+1]) pairs, the borders holding the input zero point (so the build-time bias
/// correction <c>-zero_point · Σw</c> stays exact, as on the GEMM path) and a missing odd channel holding anything (its
/// weight is 0). With strides the row is split into phases (space-to-depth), so for every tap (kh, kw) consecutive outputs
/// again read consecutive pairs, at a fixed offset from the output's position: the column matrix is the plane shifted.</para>
/// <para>The weights are packed once, when the kernel is made, as int16 pairs [M/4][taps][C/2][4]. The micro-kernel holds
/// 4 output channels x up to 4 vectors of pixels in int32 accumulators; per tap and channel pair it loads the pixel
/// vectors once, broadcasts each channel's weight pair, and adds vpmaddwd's two products per lane into them
/// (<see cref="Avx512BW.MultiplyAddAdjacent(Vector512{short}, Vector512{short})"/>): 32 multiply-adds per instruction on
/// 512-bit registers, with no int16 saturation (int8 values, int32 sums), so every path gives the definition's integers.</para>
/// <para>Whole rows of output are one run; a convolution that reads its input rows unpadded and unstrided (a pointwise
/// one) is one run over the whole plane. A run's last vector may reach past it: those lanes read the plane's slack and
/// land in accumulators that the next run overwrites or that are never requantized.</para>
/// <para>With the full (64-bit) requantization the int32 accumulators go through scratch to
/// <see cref="Requantize.Channels"/>: requantizing that form inside the micro-kernel, while they are in registers, was
/// measured slower on Zen 4 (and its speed varied by 2x from one process to the next with the size of the inlined
/// code). With a <see cref="NarrowRequantization"/> per channel the blocks requantize in registers (<see cref="RunFused"/>).
/// On Zen 4 the products and their adds fill the vector pipes (each
/// 512-bit instruction runs as two 256-bit halves, so AVX-512BW is only ~10% ahead of AVX2); a 16 -> 32 channel, kernel 5
/// layer over 128 samples takes 4.8 us (AVX2 5.5 us), the GEMM path 20 us (AVX2 13 us).</para>
/// </remarks>
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>Output channels of one micro-kernel block.</summary>
    internal const int MR = 4;

    /// <summary>The widest vector's int32 lanes: sizes the slack and the accumulator rows whatever path runs, so the
    /// scratch a plan is sized with on one machine fits another.</summary>
    private const int MaxLanes = 16;

    private readonly Int8ConvGeometry _g;
    /// <summary>The plane pairs adjacent columns of the one input channel (<see cref="ColumnPairsApply"/>).</summary>
    private readonly bool _columnPairs;
    private readonly Layout _layout;
    private readonly int _blocks;
    private readonly int[] _tapOffsets;
    /// <summary>The plane offset (tap offset + pair · plane) of each (tap, channel pair) unit the pair kernels walk, in the
    /// order the weights are packed: when dense one list, every tap's every pair, that all blocks share; when
    /// <see cref="Sparse"/>, each block's kept units, [blocks][kept].</summary>
    private readonly int[] _units;
    /// <summary>Units each block multiplies, and where block b's list starts in <see cref="_units"/> (b times this: 0 when
    /// the list is shared).</summary>
    private readonly int _unitCount, _unitBlockStride;
    // Per run: where it starts in the output plane, how many outputs, where its first output's taps start in the input plane.
    private readonly int[] _runStart, _runLength, _runBase;
    /// <summary>Every run fits one 512-bit vector (16 outputs): AVX-512BW takes them four at a time (<see cref="Block512x4Runs"/>).</summary>
    private readonly bool _shortRuns;
    private readonly int[] _weights;

    /// <summary>Packs <paramref name="w"/> [M, C, kH, kW] (ONNX order, raw int8) for <paramref name="g"/>, which must be
    /// ungrouped (<see cref="Applies"/>).</summary>
    public Int8ShiftedRowsConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> w) : this(g, w, dot: false) { }

    /// <param name="dot">Pack the quad weights for ARM64's sdot (<see cref="ForDot"/>) instead of for the x86 u8 kernels.</param>
    private Int8ShiftedRowsConv(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, bool dot)
    {
        if (!Applies(g)) throw new ArgumentException("the shifted-rows int8 convolution is for ungrouped convolutions only");
        if (w.Length != g.OutChannels * g.PatchSize) throw new ArgumentException($"{w.Length} weights for [{g.OutChannels}, {g.PatchSize}]");
        _g = g;
        _columnPairs = ColumnPairsApply(g);
        if (_columnPairs) // from here on, the plane's geometry (see Int8ShiftedRowsConv.ColumnPairs.cs)
        {
            w = ColumnPairWeights(g, w);
            g = ColumnPairGeometry(g);
        }
        _layout = Layout.For(_g);
        if (_layout != Layout.Of(g, mergeRows: !_columnPairs)) throw new InvalidOperationException("the column-pair layout differs from its geometry's"); // Layout.For's shortcut
        _blocks = (g.OutChannels + MR - 1) / MR;
        int taps = g.KernelH * g.KernelW;
        _tapOffsets = new int[taps];
        for (int i = 0; i < g.KernelH; i++)
            for (int j = 0; j < g.KernelW; j++)
            {
                int column = j * g.DilationW;
                _tapOffsets[i * g.KernelW + j] = _layout.WrappedColumns
                    ? j * _layout.ColumnPlane + i * g.DilationH * _layout.RowStride + column // Lead + (column - PadLeft)
                    : i * g.DilationH * _layout.RowStride + column % g.StrideW * _layout.PhaseWidth + column / g.StrideW;
            }
        int pairs = _layout.Pairs;
        (_unitCount, _unitBlockStride) = (taps * pairs, 0);
        _units = new int[_unitCount];
        for (int t = 0; t < taps; t++)
            for (int p = 0; p < pairs; p++)
                _units[t * pairs + p] = _tapOffsets[t] + p * _layout.PlaneInts;
        if (_layout.Flat)
        {
            (_runStart, _runLength, _runBase) = ([0], [g.OutPixels], [0]);
        }
        else if (_layout.MergedRows)
        {
            (_runStart, _runLength, _runBase) = ([0], [_layout.MergedLength(g)], [0]);
        }
        else
        {
            (_runStart, _runLength, _runBase) = (new int[g.OutH], new int[g.OutH], new int[g.OutH]);
            for (int oh = 0; oh < g.OutH; oh++)
                (_runStart[oh], _runLength[oh], _runBase[oh]) = (oh * g.OutW, g.OutW, oh * g.StrideH * _layout.RowStride);
        }
        _weights = Pack(g, w, _layout.Pairs, _blocks);
        // Column pairs turn one input channel into two, where channel quads never pay; the u8 kernels stay for real channels.
        (_quadWeights, _correction, _remainders, _quadOrder) = _columnPairs ? (null, null, null, null) : dot ? (PackQuads(g, w, _blocks), null, null, null)
            : PackU8(g, w, _blocks, _tapOffsets, _layout.PlaneInts);
        Dot = dot;
        _shortRuns = Array.TrueForAll(_runLength, n => n <= 16);
    }

    /// <summary>True for the convolutions this kernel runs: ungrouped ones (grouped ones stay on the GEMM path; a single
    /// channel's counts as depthwise and stays on <see cref="Int8DepthwiseConv"/>).</summary>
    public static bool Applies(Int8ConvGeometry g) => g.Group == 1 && !g.IsDepthwise;

    /// <summary>The 512-bit multiply-adds (vpmaddwd, 16 pixels by one channel pair each) one image takes on the pair
    /// kernels: vectors of 16 outputs over the runs (<see cref="Layout"/>: one flat run, merged rows or a run per row),
    /// times (tap, channel pair) units, times the output channels rounded up to <see cref="MR"/>. For
    /// <see cref="Int8ChannelLanesConv.Prefers"/>.</summary>
    public static long MultiplyAdds(Int8ConvGeometry g)
    {
        var l = Layout.For(g);
        int vectors = l.Flat ? Layout.VectorsOf(g.OutPixels) : l.MergedRows ? Layout.VectorsOf(l.MergedLength(g)) : g.OutH * Layout.VectorsOf(g.OutW);
        int taps = ColumnPairsApply(g) ? g.KernelH * ((g.KernelW + 1) / 2) : g.KernelH * g.KernelW;
        return (long)vectors * taps * l.Pairs * ((g.OutChannels + MR - 1) / MR * MR);
    }

    /// <summary>The path this kernel runs for <paramref name="path"/>, or null where the GEMM path stays: AVX-512BW and
    /// AVX2 as themselves; AVX-VNNI (chosen for the byte dot products of the GEMM) as the widest of the two it implies.</summary>
    public static Int8Path? KernelPath(Int8Path path) => path switch
    {
        Int8Path.Avx512BW when Avx512BW.IsSupported => Int8Path.Avx512BW,
        Int8Path.Avx2 when Avx2.IsSupported => Int8Path.Avx2,
        Int8Path.AvxVnni when Avx512BW.IsSupported => Int8Path.Avx512BW,
        Int8Path.AvxVnni when Avx2.IsSupported => Int8Path.Avx2,
        _ => null,
    };

    /// <summary>Scratch <see cref="Run"/> needs for <paramref name="g"/>: the pair plane, then the int32 accumulators
    /// [M rounded up to <see cref="MR"/>, OutPixels + slack].</summary>
    public static int ScratchBytesFor(Int8ConvGeometry g) => Layout.For(g).ScratchBytes(g);

    /// <summary>One image: x [C, H, W] to y [M, OH, OW]. <paramref name="bias"/> per output channel with the zero-point
    /// correction folded in (<see cref="Int8Conv.FoldZeroPoint"/>), or empty. <paramref name="path"/> is
    /// <see cref="Int8Path.Avx512BW"/>, <see cref="Int8Path.Avx2"/> or <see cref="Int8Path.Scalar"/> (the same blocking in
    /// plain C#, for the tests).</summary>
    public void Run(ReadOnlySpan<sbyte> x, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales,
        int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch, Int8Path path,
        ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        var g = _g;
        var l = _layout;
        if (x.Length < g.Channels * g.Height * g.Width || y.Length < g.OutChannels * g.OutPixels || scratch.Length < l.ScratchBytes(g))
            throw new ArgumentException("input, output or scratch too short for the convolution");
        if (!narrow.IsEmpty && FusedApplies(path))
        {
            if (Dot) RunDot(x, inputZeroPoint, MemoryMarshal.Cast<byte, int>(scratch[..l.PlaneBytes]), default, scalar: false, y, narrow);
            else RunFused(x, inputZeroPoint, narrow, y, scratch, path);
            return;
        }
        var acc = Accumulate(x, inputZeroPoint, scratch, path);
        if (!narrow.IsEmpty)
        {
            for (int m = 0; m < g.OutChannels; m++)
                Requantize.Plane(acc.Slice(m * l.AccStride, g.OutPixels), narrow[m], y.Slice(m * g.OutPixels, g.OutPixels));
            return;
        }
        for (int m = 0; m < g.OutChannels; m++)
            Requantize.Channels(acc.Slice(m * l.AccStride, g.OutPixels), 1, g.OutPixels, bias.IsEmpty ? bias : bias.Slice(m, 1),
                scales.Length == 1 ? scales : scales.Slice(m, 1), outputZeroPoint, min, max, y.Slice(m * g.OutPixels, g.OutPixels));
    }

    /// <summary>The int32 sums of one image in scratch, channel m's at [m · <see cref="AccumulatorStride"/>, + OutPixels): the
    /// u8 kernels where <see cref="U8S8"/> and the path is AVX-512BW or AVX2, otherwise the pair kernels.</summary>
    internal Span<int> Accumulate(ReadOnlySpan<sbyte> x, int inputZeroPoint, Span<byte> scratch, Int8Path path)
    {
        var l = _layout;
        var plane = MemoryMarshal.Cast<byte, int>(scratch[..l.PlaneBytes]);
        var acc = MemoryMarshal.Cast<byte, int>(scratch.Slice(l.PlaneBytes, l.AccumulatorBytes(_g)));
        if (Dot) RunDot(x, inputZeroPoint, plane, acc, scalar: path != Int8Path.AdvSimdDot);
        else if (_quadWeights is not null && path is Int8Path.Avx512BW or Int8Path.Avx2) RunU8(x, inputZeroPoint, plane, acc, path);
        else RunPairs(x, inputZeroPoint, plane, acc, path);
        if (l.MergedRows) CloseUpRows(acc);
        return acc;
    }

    /// <summary>After a <see cref="Layout.MergedRows"/> run, each channel's output row oh sits at oh · RowStride: moves it
    /// to oh · OutW, row by row from the first (each row moves towards the start, past rows already moved).</summary>
    private void CloseUpRows(Span<int> acc)
    {
        int stride = _layout.RowStride, outW = _g.OutW;
        for (int m = 0; m < _g.OutChannels; m++)
        {
            var channel = acc.Slice(m * _layout.AccStride, _layout.AccStride);
            for (int oh = 1; oh < _g.OutH; oh++) channel.Slice(oh * stride, outW).CopyTo(channel.Slice(oh * outW, outW));
        }
    }

    /// <summary>True when every output row is computed in one run (see <see cref="Layout"/>).</summary>
    internal bool MergedRows => _layout.MergedRows;

    /// <summary>True when the rows are laid end to end with a plane copy per kernel column (see <see cref="Layout.WrapsColumns"/>).</summary>
    internal bool WrappedColumns => _layout.WrappedColumns;

    /// <summary>Ints from one output channel's sums to the next in <see cref="Accumulate"/>'s scratch.</summary>
    internal int AccumulatorStride => _layout.AccStride;

    /// <summary>The int16 pair kernels, dense or <see cref="Sparse"/>: every run, every block of <see cref="MR"/> channels
    /// over its units (on AVX-512BW rows of at most 16 outputs four runs at a time).</summary>
    private void RunPairs(ReadOnlySpan<sbyte> x, int inputZeroPoint, Span<int> plane, Span<int> acc, Int8Path path)
    {
        var l = _layout;
        if (_columnPairs) LoadColumnPairs(x, inputZeroPoint, plane);
        else LoadInput(x, inputZeroPoint, plane);
        int r = 0, count = _unitCount;
        if (path == Int8Path.Avx512BW && _shortRuns)
        {
            ref int xs = ref MemoryMarshal.GetReference(plane);
            for (; r + 4 <= _runStart.Length; r += 4)
                for (int b = 0; b < _blocks; b++)
                    Block512x4Runs(ref xs, ref _weights[b * count * MR], ref _units[b * _unitBlockStride], count, ref acc[b * MR * l.AccStride], r);
        }
        for (; r < _runStart.Length; r++)
            for (int b = 0; b < _blocks; b++)
            {
                var w = _weights.AsSpan(b * count * MR, count * MR);
                var units = _units.AsSpan(b * _unitBlockStride, count);
                var a = acc[(b * MR * l.AccStride + _runStart[r])..];
                var xs = plane[_runBase[r]..];
                switch (path)
                {
                    case Int8Path.Avx512BW: Run512(xs, w, units, a, _runLength[r]); break;
                    case Int8Path.Avx2: Run256(xs, w, units, a, _runLength[r]); break;
                    case Int8Path.Scalar: RunScalar(xs, w, units, a, _runLength[r]); break;
                    default: throw new ArgumentException($"the shifted-rows int8 convolution has no {path} path");
                }
            }
    }

    /// <summary>The u8 x s8 kernels (<see cref="U8S8"/>) on AVX-512BW or AVX2.</summary>
    private void RunU8(ReadOnlySpan<sbyte> x, int inputZeroPoint, Span<int> plane, Span<int> acc, Int8Path path)
    {
        var l = _layout;
        int quads = (_g.Channels + 3) / 4;
        LoadInputU8(x, inputZeroPoint, plane);
        for (int r = 0; r < _runStart.Length; r++)
            for (int b = 0; b < _blocks; b++)
            {
                var w = _quadWeights.AsSpan(b * _tapOffsets.Length * quads * MR);
                var correction = _correction.AsSpan(b * MR, MR);
                var a = acc[(b * MR * l.AccStride + _runStart[r])..];
                var xs = plane[_runBase[r]..];
                if (path == Int8Path.Avx512BW) Run512U8(xs, w, correction, b, a, _runLength[r]);
                else Run256U8(xs, w, correction, b, a, _runLength[r]);
            }
    }

    /// <summary>Whether the sums are requantized in the kernel's registers: <see cref="RunFused"/> on AVX-512BW or AVX2, with whole
    /// blocks of <see cref="MR"/> channels and runs of whole vectors, so every lane of every block is an output to store;
    /// the ARM64 dot kernel where <see cref="DotFusedApplies"/>.</summary>
    internal bool FusedApplies(Int8Path path) =>
        (path is Int8Path.Avx512BW or Int8Path.Avx2 && !Dot && !_layout.MergedRows && _g.OutChannels % MR == 0 && Array.TrueForAll(_runLength, n => n % 16 == 0))
        || DotFusedApplies(path);

    /// <summary>The AVX-512BW or AVX2 kernels (u8 or int16 pairs, dense or sparse) with every block's sums requantized in
    /// its registers (<see cref="NarrowRequantization"/>) and stored as bytes: no int32 sums written and read back. The
    /// same bytes as requantizing the stored sums. On AVX2 the 4 x 2 blocks (16 pixels) take it, through
    /// <see cref="Requantize.Sixteen256"/>: timed on four of openWakeWord's shapes, it halved the 7–16 % of the layer's
    /// time the separate pass took.</summary>
    private void RunFused(ReadOnlySpan<sbyte> x, int inputZeroPoint, ReadOnlySpan<NarrowRequantization> narrow, Span<sbyte> y, Span<byte> scratch, Int8Path path)
    {
        if (narrow.Length < _g.OutChannels) throw new ArgumentException($"{narrow.Length} narrow requantizations for {_g.OutChannels} channels");
        if (narrow[0].SignTerm) RunFused<Requantize.NarrowHalfAway>(x, inputZeroPoint, narrow, y, scratch, path);
        else RunFused<Requantize.NarrowHalfUp>(x, inputZeroPoint, narrow, y, scratch, path);
    }

    private void RunFused<TOut>(ReadOnlySpan<sbyte> x, int inputZeroPoint, ReadOnlySpan<NarrowRequantization> narrow, Span<sbyte> y, Span<byte> scratch,
        Int8Path path) where TOut : struct, Requantize.INarrowSign
    {
        var l = _layout;
        var plane = MemoryMarshal.Cast<byte, int>(scratch[..l.PlaneBytes]);
        int outPixels = _g.OutPixels;
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        ref NarrowRequantization n0 = ref MemoryMarshal.GetReference(narrow);
        if (_quadWeights is not null)
        {
            int quads = (_g.Channels + 3) / 4;
            LoadInputU8(x, inputZeroPoint, plane);
            for (int r = 0; r < _runStart.Length; r++)
                for (int b = 0; b < _blocks; b++)
                {
                    var xs = plane[_runBase[r]..];
                    var w = _quadWeights.AsSpan(b * _tapOffsets.Length * quads * MR);
                    var correction = _correction.AsSpan(b * MR, MR);
                    ref sbyte yb = ref Unsafe.Add(ref ys, b * MR * outPixels + _runStart[r]);
                    if (path == Int8Path.Avx2) Run256U8<TOut>(xs, w, correction, b, default, _runLength[r], ref yb, outPixels, narrow.Slice(b * MR, MR));
                    else Run512U8<TOut>(xs, w, correction, b, default, _runLength[r], ref yb, outPixels, narrow.Slice(b * MR, MR));
                }
            return;
        }
        if (_columnPairs) LoadColumnPairs(x, inputZeroPoint, plane);
        else LoadInput(x, inputZeroPoint, plane);
        int first = 0, count = _unitCount;
        if (path == Int8Path.Avx2)
        {
            for (int r = 0; r < _runStart.Length; r++)
                for (int b = 0; b < _blocks; b++)
                    Run256<TOut>(plane[_runBase[r]..], _weights.AsSpan(b * count * MR, count * MR), _units.AsSpan(b * _unitBlockStride, count), default,
                        _runLength[r], ref Unsafe.Add(ref ys, b * MR * outPixels + _runStart[r]), outPixels, narrow.Slice(b * MR, MR));
            return;
        }
        if (_shortRuns)
        {
            ref int xs = ref MemoryMarshal.GetReference(plane);
            for (; first + 4 <= _runStart.Length; first += 4)
                for (int b = 0; b < _blocks; b++)
                    Block512x4Runs<TOut>(ref xs, ref _weights[b * count * MR], ref _units[b * _unitBlockStride], count, ref Unsafe.NullRef<int>(), first,
                        ref Unsafe.Add(ref ys, b * MR * outPixels), outPixels, ref Unsafe.Add(ref n0, b * MR));
        }
        for (int r = first; r < _runStart.Length; r++)
            for (int b = 0; b < _blocks; b++)
                Run512<TOut>(plane[_runBase[r]..], _weights.AsSpan(b * count * MR, count * MR), _units.AsSpan(b * _unitBlockStride, count), default,
                    _runLength[r], ref Unsafe.Add(ref ys, b * MR * outPixels + _runStart[r]), outPixels, narrow.Slice(b * MR, MR));
    }

    /// <summary>One block of <see cref="MR"/> channels over one run in plain C#: what the vector paths compute, lane by lane.</summary>
    private void RunScalar(ReadOnlySpan<int> x, ReadOnlySpan<int> w, ReadOnlySpan<int> units, Span<int> acc, int length)
    {
        int stride = _layout.AccStride;
        for (int k = 0; k < MR; k++)
            for (int p = 0; p < length; p++)
            {
                int sum = 0;
                for (int j = 0; j < units.Length; j++)
                {
                    int xv = x[units[j] + p], wv = w[j * MR + k];
                    sum += (short)xv * (short)wv + (xv >> 16) * (wv >> 16);
                }
                acc[k * stride + p] = sum;
            }
    }

    /// <summary>The 32-bit lane vpmaddwd reads as the int16 pair (lo, hi), lo in the low half.</summary>
    private static int Pair(int lo, int hi) => (ushort)(short)lo | (int)((uint)hi << 16);

    /// <summary>w [M, C, kH, kW] as int16 pairs [M/MR][taps][C/2][MR]: entry (block, tap, pair, k) holds channel
    /// block·MR + k's weights of input channels 2·pair and 2·pair + 1 at that tap, zeros past M and past C.</summary>
    private static int[] Pack(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, int pairs, int blocks)
    {
        int taps = g.KernelH * g.KernelW, c = g.Channels, m = g.OutChannels;
        var packed = new int[blocks * taps * pairs * MR];
        for (int b = 0; b < blocks; b++)
            for (int t = 0; t < taps; t++)
                for (int p = 0; p < pairs; p++)
                    for (int k = 0; k < MR; k++)
                    {
                        int o = b * MR + k;
                        if (o >= m) continue;
                        int lo = w[(o * c + 2 * p) * taps + t], hi = 2 * p + 1 < c ? w[(o * c + 2 * p + 1) * taps + t] : 0;
                        packed[((b * taps + t) * pairs + p) * MR + k] = Pair(lo, hi);
                    }
        return packed;
    }

    /// <summary>Sizes of the pair plane: its rows are the padded input's, or as many as the last output row's taps reach;
    /// a row is <c>StrideW</c> phases of <c>PhaseWidth</c> pairs.</summary>
    /// <remarks><c>MergedRows</c>: the output rows are narrow against a vector (openWakeWord's 1x3 layers end at 4 and 2
    /// columns, each row its own run of one vector mostly idle), and unstrided, so one run covers them all as the plane
    /// lays them out, RowStride apart, the columns between them computed and thrown away; <see cref="CloseUpRows"/> then
    /// moves the rows together. Taken when that needs fewer vectors of <see cref="MaxLanes"/> than a run per row.</remarks>
    private readonly record struct Layout(int Pairs, int Rows, int PhaseWidth, int RowStride, int PlaneInts, int AccStride, bool Flat, bool MergedRows)
    {
        /// <summary><see cref="WrappedColumns"/>: ints from one kernel column's copy of a unit's plane to the next (the
        /// plane itself otherwise, PlaneInts).</summary>
        public int ColumnPlane { get; init; } = PlaneInts;

        /// <summary>Ints before the first plane row: the left padding, which the first output's leftmost tap reads.</summary>
        public int Lead { get; init; }

        /// <summary>Rows unpadded along W, laid end to end, one plane copy per kernel column (see <see cref="WrapsColumns"/>).</summary>
        public bool WrappedColumns { get; init; }

        /// <param name="mergeRows">False for a column-pair plane's geometry, whose layout <see cref="For"/> gives unmerged and unwrapped.</param>
        public static Layout Of(Int8ConvGeometry g, bool mergeRows = true)
        {
            int rows = Math.Max(g.PadTop + g.Height, (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1);
            int span = Math.Max(g.PadLeft + g.Width, (g.OutW - 1) * g.StrideW + (g.KernelW - 1) * g.DilationW + 1);
            int phaseWidth = (span + g.StrideW - 1) / g.StrideW;
            int rowStride = phaseWidth * g.StrideW;
            bool flat = g.StrideH == 1 && g.StrideW == 1 && phaseWidth == g.OutW;
            int merged = (g.OutH - 1) * rowStride + g.OutW;
            bool mergedRows = mergeRows && !flat && g.StrideH == 1 && g.StrideW == 1 && g.OutH > 1
                && Vectors(merged) < g.OutH * Vectors(g.OutW);
            // Wrapped only where it saves vectors: its kW plane copies cost building and cache (openWakeWord's 1x3 layer
            // on rows of 32, two whole vectors a row either way, went from 62 to 69 µs wrapped).
            int vectors = mergedRows ? Vectors(merged) : g.OutH * Vectors(g.OutW);
            if (mergeRows && !flat && WrapsColumns(g) && Vectors(g.OutPixels) < vectors) return Wrapped(g);
            return new Layout((g.Channels + 1) / 2, rows, phaseWidth, rowStride, Align16(rows * rowStride + MaxLanes),
                Align16((mergedRows ? merged : g.OutPixels) + MaxLanes), flat, mergedRows);
        }

        /// <summary>True for an unstrided convolution padded along W to keep its width ("same"), every tap within a row's
        /// width of its output, and a kernel wider than one column: <see cref="Wrapped"/> can lay it out (and does when
        /// that takes fewer vectors).</summary>
        /// <remarks>With the padding columns in the plane, every output row's run ends at its row (a vector per row of
        /// eight, mostly idle on openWakeWord's 1x3 layers) or carries the padding columns along (<see cref="MergedRows"/>):
        /// measured with <c>bench --layers</c>, those layers cost up to 3x as much per MAC as its unpadded 3x1 ones.</remarks>
        public static bool WrapsColumns(Int8ConvGeometry g) =>
            g.StrideH == 1 && g.StrideW == 1 && g.KernelW > 1 && g.OutW == g.Width // so PadLeft + PadRight = (kW - 1)·dW
            && g.PadLeft < g.Width && PadRight(g) < g.Width;

        private static int PadRight(Int8ConvGeometry g) => (g.KernelW - 1) * g.DilationW - g.PadLeft;

        /// <summary>The rows as the image has them, W apart, so all outputs are one run with no column thrown away. A tap
        /// of kernel column j then reads the input at a fixed offset d = j·dW − PadLeft from its output; where that crosses
        /// into the row before (d &lt; 0, the first −d outputs of a row) or after (d &gt; 0, the last d), it must read
        /// padding. So column j has its own copy of the plane, whose |d| columns on that side hold the zero point
        /// (<see cref="WrapColumns"/>): an output's legitimate reads in that copy never reach them, the wrapped ones always
        /// do. The copies are kW planes in place of one with PadLeft + PadRight more columns per row.</summary>
        private static Layout Wrapped(Int8ConvGeometry g)
        {
            int rows = Math.Max(g.PadTop + g.Height, g.OutH + (g.KernelH - 1) * g.DilationH);
            int column = Align16(g.PadLeft + rows * g.Width + PadRight(g) + MaxLanes);
            return new Layout((g.Channels + 1) / 2, rows, g.Width, g.Width, g.KernelW * column, Align16(g.OutPixels + MaxLanes), Flat: true, MergedRows: false)
            {
                ColumnPlane = column,
                Lead = g.PadLeft,
                WrappedColumns = true,
            };
        }

        /// <summary>The length of the one run of <see cref="MergedRows"/>: every output row RowStride apart, the last one whole.</summary>
        public int MergedLength(Int8ConvGeometry g) => (g.OutH - 1) * RowStride + g.OutW;

        private static int Vectors(int outputs) => VectorsOf(outputs);

        /// <summary>Vectors of <see cref="MaxLanes"/> that <paramref name="outputs"/> outputs in a run take.</summary>
        public static int VectorsOf(int outputs) => (outputs + MaxLanes - 1) / MaxLanes;

        /// <summary>The layout of <paramref name="g"/>'s plane: <see cref="Of"/>, or for column pairs what <see cref="Of"/>
        /// gives for <see cref="ColumnPairGeometry"/>, computed without making it (the plan asks for the scratch size at
        /// every run, which must not allocate): one pair, rows as the image's, a row of OutW + ⌈kW/2⌉ - 1 pairs.</summary>
        public static Layout For(Int8ConvGeometry g)
        {
            if (!ColumnPairsApply(g)) return Of(g);
            int rows = Math.Max(g.PadTop + g.Height, (g.OutH - 1) * g.StrideH + (g.KernelH - 1) * g.DilationH + 1);
            int kernelW = (g.KernelW + 1) / 2, rowStride = g.OutW + (kernelW - 1) * ColumnPairStep(g);
            return new Layout(1, rows, rowStride, rowStride, Align16(rows * rowStride + MaxLanes), Align16(g.OutPixels + MaxLanes),
                g.StrideH == 1 && rowStride == g.OutW, MergedRows: false);
        }

        public int PlaneBytes => Pairs * PlaneInts * sizeof(int);
        public int AccumulatorBytes(Int8ConvGeometry g) => (g.OutChannels + MR - 1) / MR * MR * AccStride * sizeof(int);
        public int ScratchBytes(Int8ConvGeometry g) => PlaneBytes + AccumulatorBytes(g);

        private static int Align16(int n) => (n + 15) & ~15;
    }
}
