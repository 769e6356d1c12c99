using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The time loop shared by RNN, GRU and LSTM: per direction, per step, per batch entry, call the
/// cell's <see cref="Step"/>, then write Y, Y_h and (LSTM) Y_c. A batch entry whose <c>sequence_lens</c>
/// is shorter than the sequence stops early: its later Y rows are zero and its Y_h is its last valid step
/// (for the reverse direction it starts at its own last valid step).</summary>
internal abstract class RecurrentKernel : Kernel
{
    protected RecurrentKernel(RecurrentGeometry geometry, float clip, bool hasCell, int stepFloats)
    {
        Geometry = geometry;
        Clip = clip;
        HasCell = hasCell;
        StepFloats = stepFloats;
    }

    protected RecurrentGeometry Geometry { get; }
    /// <summary>Bound on gate pre-activations, or +inf for none.</summary>
    protected float Clip { get; }
    protected bool HasCell { get; }
    /// <summary>Floats of scratch one <see cref="Step"/> uses (gate buffers).</summary>
    protected int StepFloats { get; }

    private int StateFloats => Geometry.Batch * Geometry.Hidden;

    public override int ScratchBytes => (2 * StateFloats + StepFloats) * sizeof(float);

    /// <summary>One time step of one batch entry in direction <paramref name="d"/>: reads x and the previous
    /// h (and c), overwrites h (and c) with the new state.</summary>
    protected abstract void Step(in KernelArgs args, int d, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> scratch);

    /// <summary>Applies <see cref="Clip"/> to gate pre-activations.</summary>
    protected void ClipGates(Span<float> gates)
    {
        if (!float.IsPositiveInfinity(Clip)) TensorPrimitives.Clamp(gates, -Clip, Clip, gates);
    }

    /// <summary>Fills <paramref name="gates"/> with Wb + Rb of direction d's gate blocks [first, first + count), or zero without B.</summary>
    protected void InitBias(in KernelArgs args, int d, int first, int count, Span<float> gates)
    {
        if (!args.HasInput(3))
        {
            gates.Clear();
            return;
        }
        int gh = Geometry.Gates * Geometry.Hidden, h = Geometry.Hidden;
        var b = args.Input<float>(3).Slice(d * 2 * gh, 2 * gh);
        TensorPrimitives.Add(b.Slice(first * h, count * h), b.Slice(gh + first * h, count * h), gates);
    }

    /// <summary>Rows [first, first + count) gate blocks of W (input 1) or R (input 2) for direction d.</summary>
    protected ReadOnlySpan<float> Weights(in KernelArgs args, int input, int d, int first, int count)
    {
        int cols = input == 1 ? Geometry.Input : Geometry.Hidden;
        int block = Geometry.Hidden * cols;
        return args.Input<float>(input).Slice((d * Geometry.Gates + first) * block, count * block);
    }

    public override void Run(in KernelArgs args)
    {
        var g = Geometry;
        int hidden = g.Hidden;
        var x = args.Input<float>(0);
        ReadOnlySpan<int> lengths = args.HasInput(4) ? args.Input<int>(4) : ReadOnlySpan<int>.Empty;
        var y = args.HasOutput(0) ? args.Output<float>(0) : Span<float>.Empty;
        var hState = args.ScratchAs<float>(0, StateFloats);
        var cState = args.ScratchAs<float>(StateFloats * sizeof(float), StateFloats);
        var scratch = args.ScratchAs<float>(2 * StateFloats * sizeof(float), StepFloats);

        for (int d = 0; d < g.Directions; d++)
        {
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
            for (int step = 0; step < g.Sequence; step++)
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
                    Step(args, d, x.Slice(g.XOffset(t, b), g.Input), h, cState.Slice(b * hidden, hidden), scratch);
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
