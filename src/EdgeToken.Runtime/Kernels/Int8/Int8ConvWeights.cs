namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>An int8 convolution's weights, laid out once (when its kernel is made) for the kernel that will run them:
/// <see cref="Int8ShiftedRowsConv"/>'s int16 pairs for an ungrouped convolution on AVX2 or AVX-512BW (or
/// <see cref="Int8ChannelLanesConv"/>'s channel blocks where its pixels would fill the vectors badly), its signed quads
/// for one of three or more channels on ARM64's dot product (<see cref="Int8ShiftedRowsConv.DotApplies"/>), otherwise
/// <see cref="Int8Conv.PackWeights"/>'s rows for <see cref="Int8Conv.Run"/>
/// (the GEMM, or the depthwise kernel).</summary>
/// <remarks>Only one layout is kept: the path is fixed for the life of the process (<see cref="Int8Paths.Best"/>), and
/// packing per inference would allocate and cost as much as a small layer.</remarks>
public sealed class Int8ConvWeights
{
    public Int8ConvGeometry Geometry { get; }
    /// <summary>The path the convolution runs on.</summary>
    public Int8Path Path { get; }
    /// <summary>True when <see cref="Int8ShiftedRowsConv"/> runs it.</summary>
    public bool ShiftedRows => _rows is not null;
    /// <summary>True when <see cref="Int8ChannelLanesConv"/> runs it.</summary>
    public bool ChannelLanes => _lanes is not null;
    /// <summary>True when <see cref="Int8ShiftedRowsConv"/> runs it with its u8 x s8 kernels (<see cref="Int8ShiftedRowsConv.U8S8"/>).</summary>
    public bool U8S8 => _rows is { U8S8: true } && Path is Int8Path.Avx512BW or Int8Path.Avx2;

    private readonly sbyte[]? _packed;
    private readonly Int8ShiftedRowsConv? _rows;
    private readonly Int8ChannelLanesConv? _lanes;
    /// <summary>Per output channel, the smallest and largest sum its weights can give (<see cref="NarrowRequantization.AccumulatorRange"/>).</summary>
    private readonly (long Low, long High)[] _ranges;

    /// <param name="w">[M, C/group, kH, kW] as ONNX lays it out.</param>
    public Int8ConvWeights(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, Int8Path path)
    {
        Geometry = g;
        _ranges = Ranges(w, g.OutChannels);
        if (Int8ShiftedRowsConv.Applies(g) && Int8ShiftedRowsConv.KernelPath(path) is { } rowsPath)
        {
            var rows = new Int8ShiftedRowsConv(g, w);
            // The geometry decides (Prefers(g) also sizes the scratch), then the weights: u8 rows do twice the products.
            if (Int8ChannelLanesConv.Prefers(g) && Int8ChannelLanesConv.Prefers(g, rows.U8S8, rowsPath, (double)rows.U8Remainders / rows.U8Steps))
                _lanes = new Int8ChannelLanesConv(g, Int8Conv.PackWeights(g, w));
            else _rows = rows;
            Path = rowsPath;
        }
        else if (path == Int8Path.AdvSimdDot && Int8ShiftedRowsConv.DotApplies(g))
        {
            _rows = Int8ShiftedRowsConv.ForDot(g, w);
            Path = path;
        }
        else
        {
            _packed = Int8Conv.PackWeights(g, w);
            Path = path;
        }
    }

    private Int8ConvWeights(Int8ConvGeometry g, Int8ShiftedRowsConv rows, Int8Path path, (long, long)[] ranges)
    {
        Geometry = g;
        _ranges = ranges;
        _rows = rows;
        Path = path;
    }

    /// <summary>True when, given narrow requantizations, the sums are requantized in the kernel's registers
    /// (<see cref="Int8ShiftedRowsConv"/>'s blocks on AVX-512BW, or ARM64's sdot blocks, with whole vectors and blocks).</summary>
    public bool FusesRequantization => _rows is not null && _rows.FusedApplies(Path);

    /// <summary>The kernel and path, as <c>bench --layers</c> prints them: "channel lanes", "shifted rows" (with "u8 x s8"
    /// and the share of its steps with a remainder, "2:4 sparse", "sdot"), "depthwise" or "GEMM", then the path.</summary>
    public string Description =>
        (_lanes is not null ? "channel lanes"
            : _rows is { } rows ? "shifted rows" + (rows.Sparse ? ", sparse" : "") + (U8S8 ? ", u8 x s8" + Remainders(rows) : "") + (rows.Dot ? ", sdot" : "")
            : Geometry.IsDepthwise ? "depthwise" : "GEMM") + $" ({Path})";

    private static string Remainders(Int8ShiftedRowsConv rows) =>
        rows.U8Remainders == 0 ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $" + {100.0 * rows.U8Remainders / rows.U8Steps:F1} % split");

    /// <summary>True when the N:M-pruned weights run sparse (<see cref="Int8ShiftedRowsConv.Sparse"/>).</summary>
    public bool Sparse => _rows is { Sparse: true };

    /// <summary>An N:M-pruned convolution's weights from <see cref="Sparse.SparseConv.TryCompressInt8"/>'s form: the sparse
    /// shifted-rows kernel where <paramref name="path"/> has one (AVX-512BW, AVX2, and ARM64's dot product for three or
    /// more channels), otherwise the weights decompressed for the dense kernel of that path (the same integers, at the
    /// dense speed).</summary>
    public static Int8ConvWeights FromSparse(Int8ConvGeometry g, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, int n, int m, int panel, Int8Path path)
    {
        var dense = Kernels.Sparse.SparseConv.DecompressInt8(values, indices, g.OutChannels, g.Channels, g.KernelH * g.KernelW, n, m, panel);
        if (Int8ShiftedRowsConv.SparseApplies(g) && Int8ShiftedRowsConv.KernelPath(path) is { } rowsPath)
            return new Int8ConvWeights(g, new Int8ShiftedRowsConv(g, values, indices, n, m, panel), rowsPath, Ranges(dense, g.OutChannels));
        if (path == Int8Path.AdvSimdDot && Int8ShiftedRowsConv.SparseApplies(g) && Int8ShiftedRowsConv.DotApplies(g))
            return new Int8ConvWeights(g, Int8ShiftedRowsConv.ForSparseDot(g, values, indices, n, m, panel), path, Ranges(dense, g.OutChannels));
        return new Int8ConvWeights(g, dense, path);
    }

    /// <summary>One image; the arguments as <see cref="Int8Conv.Run"/>
    /// takes them, <paramref name="scratch"/> at least <see cref="Int8ConvGeometry.ScratchBytes"/>.</summary>
    /// <param name="narrow">From <see cref="Narrow"/> for this bias and these scales (one per output channel), or empty
    /// for the full requantization.</param>
    public void Run(ReadOnlySpan<sbyte> x, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales,
        int inputZeroPoint, int outputZeroPoint, int min, int max, Span<sbyte> y, Span<byte> scratch, ReadOnlySpan<NarrowRequantization> narrow = default)
    {
        if (_rows is not null) _rows.Run(x, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, Path, narrow);
        else if (_lanes is not null) Int8Conv.RunChannelLanes(Geometry, x, _lanes, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, Path, narrow);
        else Int8Conv.Run(Geometry, x, _packed, bias, scales, inputZeroPoint, outputZeroPoint, min, max, y, scratch, Path, narrow);
    }

    /// <summary>Each output channel's <see cref="NarrowRequantization"/> for the folded <paramref name="bias"/> (or empty)
    /// and <paramref name="scales"/> (one per channel or one), or null when one channel's sums could overflow it: then
    /// the kernels requantize on 64 bits. Made once, when the kernel is; <see cref="Int8ChannelLanesConv"/> lays out
    /// either form for its lanes here.</summary>
    public NarrowRequantization[]? Narrow(ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales, int outputZeroPoint, int min, int max)
    {
        var narrow = new NarrowRequantization[_ranges.Length];
        for (int c = 0; c < narrow.Length; c++)
            if (!NarrowRequantization.TryCreate(scales[scales.Length == 1 ? 0 : c], bias.IsEmpty ? 0 : bias[c], _ranges[c].Low, _ranges[c].High,
                    outputZeroPoint, min, max, out narrow[c]))
            {
                _lanes?.RememberFull(bias, scales, outputZeroPoint, min, max);
                return null;
            }
        _lanes?.Remember(narrow);
        return narrow;
    }

    private static (long, long)[] Ranges(ReadOnlySpan<sbyte> w, int outChannels)
    {
        int k = w.Length / outChannels;
        var ranges = new (long, long)[outChannels];
        for (int c = 0; c < outChannels; c++) ranges[c] = NarrowRequantization.AccumulatorRange(w.Slice(c * k, k));
        return ranges;
    }
}
