using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The time loop shared by RNN, GRU and LSTM. Per direction, the input projection x·Wᵀ + bias of every
/// step is one <see cref="Sgemm"/> product before the loop (it does not depend on the state); then per step and
/// batch entry the cell's <see cref="Step"/> adds the recurrent part, and Y, Y_h and (LSTM) Y_c are written.
/// A batch entry whose <c>sequence_lens</c> is shorter than the sequence stops early: its later Y rows are zero
/// and its Y_h is its last valid step (for the reverse direction it starts at its own last valid step).
/// A cell that projects x itself (<see cref="FusedProjection"/>) skips the product and gets the step's row of X.</summary>
internal abstract class RecurrentKernel : Kernel
{
    private readonly RecurrentWeights _weights;

    protected RecurrentKernel(RecurrentGeometry geometry, RecurrentWeights weights, float clip, bool hasCell, int stepFloats, bool fusedProjection = false)
    {
        FusedProjection = fusedProjection;
        Geometry = geometry;
        _weights = weights;
        Clip = clip;
        HasCell = hasCell;
        StepFloats = stepFloats;
    }

    protected RecurrentGeometry Geometry { get; }
    /// <summary>Bound on gate pre-activations, or +inf for none.</summary>
    protected float Clip { get; }
    protected bool HasCell { get; }
    /// <summary>Whether <see cref="Step"/> is handed the step's row of X and adds x·Wᵀ and the bias itself (in the
    /// same loops as the recurrent product, where the few input FMAs hide in the step's latency), instead of a row
    /// of the projection computed for all steps before the loop.</summary>
    protected bool FusedProjection { get; }
    /// <summary>Floats of scratch one <see cref="Step"/> uses (gate buffers).</summary>
    protected int StepFloats { get; }

    private int StateFloats => AlignUp(Geometry.Batch * Geometry.Hidden);
    private int Rows => Geometry.Sequence * Geometry.Batch;
    private int ProjectionFloats => FusedProjection ? 0 : AlignUp(Rows * Geometry.Gates * Geometry.Hidden);
    private int PackedXFloats => FusedProjection ? 0 : AlignUp(Sgemm.PackedASize(Rows, Geometry.Input));

    /// <summary>Every scratch region starts on a 64-byte boundary (the first one after up to 60 bytes of lead-in,
    /// as the scratch block itself may sit anywhere), so whole-vector loads of the state do not split cache lines.</summary>
    public override int ScratchBytes => (2 * StateFloats + ProjectionFloats + PackedXFloats + _weights.ScratchFloats + StepFloats) * sizeof(float) + 64;

    /// <summary>Rounds a float count up to whole 64-byte lines.</summary>
    public static int AlignUp(int floats) => (floats + 15) & ~15;

    /// <summary>Floats to skip so that <paramref name="scratch"/>'s first used float is 64-byte aligned. The block is
    /// not pinned; if the GC moves it mid-run only the alignment, never the result, changes.</summary>
    private static unsafe int Lead(Span<byte> scratch) =>
        scratch.IsEmpty ? 0 : (int)((64 - ((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch)) & 63)) & 63) / sizeof(float) * sizeof(float);

    /// <summary>One time step of one batch entry in direction <paramref name="d"/>: <paramref name="projection"/> is
    /// x·Wᵀ plus the folded bias for this step (gates·hidden floats), or with <see cref="FusedProjection"/> the
    /// step's x (input floats); reads the previous h (and c) and overwrites them with the new state.</summary>
    protected abstract void Step(in KernelArgs args, int d, in RecurrentDirection weights, ReadOnlySpan<float> projection,
        Span<float> h, Span<float> c, Span<float> scratch);

    /// <summary>Direction <paramref name="d"/>'s whole time loop for a batch of one without sequence_lens, when the cell
    /// has a loop of its own (false: it has not, and <see cref="Step"/> runs per step). <paramref name="x"/> is X,
    /// [sequence, input]; row t of <paramref name="y"/> (empty when Y is not wanted) is at t·<paramref name="yStride"/>.</summary>
    protected virtual bool RunSequence(int d, in RecurrentDirection weights, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> y, int yStride,
        bool reverse, Span<float> scratch) => false;

    /// <summary>Applies <see cref="Clip"/> to gate pre-activations.</summary>
    protected void ClipGates(Span<float> gates)
    {
        if (!float.IsPositiveInfinity(Clip)) TensorPrimitives.Clamp(gates, -Clip, Clip, gates);
    }

    public override void Run(in KernelArgs args)
    {
        var g = Geometry;
        int hidden = g.Hidden, gh = g.Gates * hidden, rows = Rows;
        var x = args.Input<float>(0);
        ReadOnlySpan<int> lengths = args.HasInput(4) ? args.Input<int>(4) : ReadOnlySpan<int>.Empty;
        var y = args.HasOutput(0) ? args.Output<float>(0) : Span<float>.Empty;
        int offset = Lead(args.Scratch);
        var hState = args.ScratchAs<float>(offset, StateFloats);
        offset += StateFloats * sizeof(float);
        var cState = args.ScratchAs<float>(offset, StateFloats);
        offset += StateFloats * sizeof(float);
        var projections = args.ScratchAs<float>(offset, ProjectionFloats);
        offset += ProjectionFloats * sizeof(float);
        var packedX = args.ScratchAs<float>(offset, PackedXFloats);
        offset += PackedXFloats * sizeof(float);
        var weightScratch = args.ScratchAs<float>(offset, _weights.ScratchFloats);
        offset += _weights.ScratchFloats * sizeof(float);
        var scratch = args.ScratchAs<float>(offset, StepFloats);

        // X is [rows, input] in both layouts; row m is x[t, b] for m = g.Row(t, b).
        if (!FusedProjection) Sgemm.PackA(x, rows, g.Input, g.Input, 1, 1f, packedX);
        for (int d = 0; d < g.Directions; d++)
        {
            var weights = _weights.Prepare(args, d, weightScratch);
            if (!FusedProjection)
            {
                for (int m = 0; m < rows; m++) weights.ProjectionBias.CopyTo(projections.Slice(m * gh, gh));
                Sgemm.MultiplyAdd(packedX, weights.PackedW, rows, gh, g.Input, projections, gh);
            }

            for (int b = 0; b < g.Batch; b++)
            {
                var h = hState.Slice(b * hidden, hidden);
                if (args.HasInput(5)) args.Input<float>(5).Slice(g.StateOffset(d, b), hidden).CopyTo(h);
                else h.Clear();
                if (!HasCell) continue;
                var c = cState.Slice(b * hidden, hidden);
                if (args.HasInput(6)) args.Input<float>(6).Slice(g.StateOffset(d, b), hidden).CopyTo(c);
                else c.Clear();
            }
            bool reverse = g.IsReverse(d);
            if (g.Batch == 1 && lengths.IsEmpty
                && RunSequence(d, weights, x, hState.Slice(0, hidden), cState.Slice(0, hidden), y.IsEmpty ? y : y.Slice(d * hidden), g.Directions * hidden, reverse, scratch))
            {
                // the cell ran the whole time loop
            }
            else for (int step = 0; step < g.Sequence; step++)
            {
                int t = reverse ? g.Sequence - 1 - step : step;
                for (int b = 0; b < g.Batch; b++)
                {
                    int length = lengths.IsEmpty ? g.Sequence : Math.Clamp(lengths[b], 0, g.Sequence);
                    if (t >= length)
                    {
                        if (!y.IsEmpty) y.Slice(g.YOffset(t, d, b), hidden).Clear();
                        continue;
                    }
                    var h = hState.Slice(b * hidden, hidden);
                    var stepInput = FusedProjection ? x.Slice(g.Row(t, b) * g.Input, g.Input) : projections.Slice(g.Row(t, b) * gh, gh);
                    Step(args, d, weights, stepInput, h, cState.Slice(b * hidden, hidden), scratch);
                    if (!y.IsEmpty) h.CopyTo(y.Slice(g.YOffset(t, d, b), hidden));
                }
            }
            for (int b = 0; b < g.Batch; b++)
            {
                if (args.HasOutput(1)) hState.Slice(b * hidden, hidden).CopyTo(args.Output<float>(1).Slice(g.StateOffset(d, b), hidden));
                if (HasCell && args.HasOutput(2)) cState.Slice(b * hidden, hidden).CopyTo(args.Output<float>(2).Slice(g.StateOffset(d, b), hidden));
            }
        }
    }
}
