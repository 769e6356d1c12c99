using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>W, R and B of a recurrent node in the layouts the time loop runs on, per direction: W packed as the
/// B operand of <see cref="Sgemm"/> (so x·Wᵀ for every step is one matrix product before the loop), R transposed
/// to [hidden, gates·hidden] for <see cref="GateMatVec"/>, and the bias folded into one projection bias row.
/// Constant weights are prepared once when the kernel is created; the others each run, into scratch. A cell that
/// projects x inside its step (<c>transposeW</c>) gets W transposed to [input, gates·hidden] like R instead of packed.</summary>
/// <remarks>The projection bias is Wb + Rb for the first <c>foldedGates</c> gate blocks and Wb alone for the rest:
/// GRU with linear_before_reset multiplies its candidate's Rb by r, so it is kept apart in <see cref="RecurrentDirection.RecurrentBias"/>.</remarks>
internal sealed class RecurrentWeights
{
    private readonly RecurrentGeometry _g;
    private readonly int _foldedGates;
    private readonly bool _transposeW;
    private readonly Memory<float> _packedW, _transposedR, _bias;

    public RecurrentWeights(NodeContext node, RecurrentGeometry g, int foldedGates, bool transposeW = false)
    {
        _g = g;
        _foldedGates = foldedGates;
        _transposeW = transposeW;
        if (node.Constant(1) is { } w)
        {
            _packedW = Aligned(g.Directions * PackedWFloats);
            for (int d = 0; d < g.Directions; d++) PackW(w.AsSpan<float>(), d, _packedW.Span.Slice(d * PackedWFloats, PackedWFloats));
        }
        if (node.Constant(2) is { } r)
        {
            _transposedR = Aligned(g.Directions * TransposedRFloats);
            for (int d = 0; d < g.Directions; d++) TransposeR(r.AsSpan<float>(), d, _transposedR.Span.Slice(d * TransposedRFloats, TransposedRFloats));
        }
        bool hasB = node.HasInput(3);
        if (!hasB || node.Constant(3) is not null)
        {
            _bias = Aligned(g.Directions * BiasFloats);
            var b = hasB ? node.Constant(3)!.AsSpan<float>() : ReadOnlySpan<float>.Empty;
            for (int d = 0; d < g.Directions; d++) FoldBias(b, d, _bias.Span.Slice(d * BiasFloats, BiasFloats));
        }
    }

    private int GateFloats => _g.Gates * _g.Hidden;
    /// <summary>W packed for Sgemm, or transposed.</summary>
    private int PackedWFloats => _transposeW ? _g.Input * GateFloats : Sgemm.PackedBSize(_g.Input, GateFloats);
    private int TransposedRFloats => _g.Hidden * GateFloats;
    /// <summary>The projection bias row, then the raw Rb.</summary>
    private int BiasFloats => 2 * GateFloats;

    /// <summary>Scratch floats <see cref="Prepare"/> needs for the weights that were not constant.</summary>
    public int ScratchFloats => (_packedW.IsEmpty ? RecurrentKernel.AlignUp(PackedWFloats) : 0) + (_transposedR.IsEmpty ? RecurrentKernel.AlignUp(TransposedRFloats) : 0)
        + (_bias.IsEmpty ? RecurrentKernel.AlignUp(BiasFloats) : 0);

    /// <summary>Direction <paramref name="d"/>'s weights, from the constants or prepared into <paramref name="scratch"/>.</summary>
    public RecurrentDirection Prepare(in KernelArgs args, int d, Span<float> scratch)
    {
        if (Slot(_packedW, d, PackedWFloats, true, ref scratch, out var packedW, out var fill)) PackW(args.Input<float>(1), d, fill);
        if (Slot(_transposedR, d, TransposedRFloats, true, ref scratch, out var transposedR, out fill)) TransposeR(args.Input<float>(2), d, fill);
        if (Slot(_bias, d, BiasFloats, false, ref scratch, out var bias, out fill)) FoldBias(args.Input<float>(3), d, fill);
        return _transposeW
            ? new RecurrentDirection(default, packedW, transposedR, bias.Slice(0, GateFloats), bias.Slice(GateFloats, GateFloats))
            : new RecurrentDirection(packedW, default, transposedR, bias.Slice(0, GateFloats), bias.Slice(GateFloats, GateFloats));
    }

    /// <summary>Direction d's block of <paramref name="floats"/>: from the prepared constants, or (returning true) the
    /// next block of <paramref name="scratch"/>, handed out in <paramref name="fill"/> to be computed by the caller.</summary>
    private static bool Slot(Memory<float> prepared, int d, int floats, bool advance, scoped ref Span<float> scratch, out ReadOnlySpan<float> block, out Span<float> fill)
    {
        if (!prepared.IsEmpty)
        {
            block = prepared.Span.Slice(d * floats, floats);
            fill = default;
            return false;
        }
        fill = scratch.Slice(0, floats);
        if (advance) scratch = scratch.Slice(RecurrentKernel.AlignUp(floats));
        block = fill;
        return true;
    }

    /// <summary>A 64-byte aligned block on the pinned heap, so the step's Vector512 loads of Rᵀ rows (gates·hidden
    /// floats apart, a multiple of 16 at the usual sizes) never straddle two cache lines; a split load costs ~15%
    /// of a GRU step at hidden 32.</summary>
    private static unsafe Memory<float> Aligned(int floats)
    {
        if (floats == 0) return Memory<float>.Empty;
        var array = GC.AllocateArray<float>(floats + 15, pinned: true);
        int lead = (int)((64 - ((nuint)Unsafe.AsPointer(ref array[0]) & 63)) & 63) / sizeof(float);
        return array.AsMemory(lead, floats);
    }

    private void PackW(ReadOnlySpan<float> w, int d, Span<float> packed)
    {
        int gh = GateFloats, input = _g.Input;
        if (_transposeW)
        {
            var block = w.Slice(d * gh * input, gh * input);
            for (int j = 0; j < gh; j++)
                for (int k = 0; k < input; k++) packed[k * gh + j] = block[j * input + k];
            return;
        }
        // B[k, j] = W[d, j, k]: element (k, j) at k·1 + j·input.
        Sgemm.PackB(w.Slice(d * gh * input, gh * input), input, gh, 1, input, 1f, packed);
    }

    private void TransposeR(ReadOnlySpan<float> r, int d, Span<float> transposed)
    {
        int gh = GateFloats, hidden = _g.Hidden;
        var block = r.Slice(d * gh * hidden, gh * hidden);
        for (int j = 0; j < gh; j++)
            for (int k = 0; k < hidden; k++) transposed[k * gh + j] = block[j * hidden + k];
    }

    private void FoldBias(ReadOnlySpan<float> b, int d, Span<float> bias)
    {
        int gh = GateFloats, folded = _foldedGates * _g.Hidden;
        if (b.IsEmpty)
        {
            bias.Clear();
            return;
        }
        var wb = b.Slice(d * 2 * gh, gh);
        var rb = b.Slice(d * 2 * gh + gh, gh);
        wb.CopyTo(bias);
        if (folded > 0) TensorPrimitives.Add(bias.Slice(0, folded), rb.Slice(0, folded), bias.Slice(0, folded));
        rb.CopyTo(bias.Slice(gh));
    }
}

/// <summary>One direction's weights as <see cref="RecurrentWeights.Prepare"/> hands them to the time loop.</summary>
internal readonly ref struct RecurrentDirection(ReadOnlySpan<float> packedW, ReadOnlySpan<float> transposedW, ReadOnlySpan<float> transposedR,
    ReadOnlySpan<float> projectionBias, ReadOnlySpan<float> recurrentBias)
{
    /// <summary>Wᵀ packed for <see cref="Sgemm.MultiplyAdd"/> (empty when the weights were made with transposeW).</summary>
    public ReadOnlySpan<float> PackedW { get; } = packedW;
    /// <summary>Wᵀ, [input, gates·hidden] row-major (only when the weights were made with transposeW).</summary>
    public ReadOnlySpan<float> TransposedW { get; } = transposedW;
    /// <summary>Rᵀ, [hidden, gates·hidden] row-major.</summary>
    public ReadOnlySpan<float> TransposedR { get; } = transposedR;
    public ReadOnlySpan<float> ProjectionBias { get; } = projectionBias;
    /// <summary>Rb as given (zeros without B).</summary>
    public ReadOnlySpan<float> RecurrentBias { get; } = recurrentBias;
}
