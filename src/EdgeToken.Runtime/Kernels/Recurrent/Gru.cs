using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>GRU, float32, as the ONNX spec writes it (gate order z, r, h):
/// <code>
/// z = f(Wz·x + Rz·h + Wbz + Rbz)        r = f(Wr·x + Rr·h + Wbr + Rbr)
/// n = g(Wh·x + Rh·(r⊙h) + Rbh + Wbh)    (linear_before_reset = 0)
/// n = g(Wh·x + r⊙(Rh·h + Rbh) + Wbh)    (linear_before_reset ≠ 0)
/// h' = (1 − z)⊙n + z⊙h
/// </code></summary>
internal sealed class GruOperator : OperatorDefinition
{
    private static readonly RecurrentActivation[] s_defaults = [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh];

    public override string OpType => "GRU";

    public override void InferOutputs(NodeContext node)
    {
        var g = RecurrentGeometry.From(node, gates: 3);
        node.SetOutput(0, ElementType.Float32, g.YDims);
        node.SetOutput(1, ElementType.Float32, g.StateDims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = RecurrentGeometry.From(node, gates: 3);
        return new GruKernel(g, node.Attributes.GetFloat("clip", float.PositiveInfinity), RecurrentActivation.Parse(node, s_defaults, g.Directions),
            node.Attributes.GetInt("linear_before_reset", 0) != 0);
    }

    private sealed class GruKernel(RecurrentGeometry geometry, float clip, RecurrentActivation[] activations, bool linearBeforeReset)
        : RecurrentKernel(geometry, clip, hasCell: false, stepFloats: 4 * geometry.Hidden)
    {
        protected override void Step(in KernelArgs args, int d, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> scratch)
        {
            int hidden = Geometry.Hidden;
            var zr = scratch.Slice(0, 2 * hidden);
            var z = zr.Slice(0, hidden);
            var r = zr.Slice(hidden, hidden);
            var n = scratch.Slice(2 * hidden, hidden);
            var t = scratch.Slice(3 * hidden, hidden);
            ref readonly var fAct = ref activations[2 * d];
            ref readonly var gAct = ref activations[2 * d + 1];

            InitBias(args, d, 0, 2, zr);
            GateMatVec.Run(Weights(args, 1, d, 0, 2), x, zr);
            GateMatVec.Run(Weights(args, 2, d, 0, 2), h, zr);
            ClipGates(zr);
            fAct.Apply(zr);

            bool hasBias = args.HasInput(3);
            ReadOnlySpan<float> b = hasBias ? args.Input<float>(3).Slice(d * 6 * hidden, 6 * hidden) : ReadOnlySpan<float>.Empty;
            if (hasBias) b.Slice(2 * hidden, hidden).CopyTo(n);
            else n.Clear();
            GateMatVec.Run(Weights(args, 1, d, 2, 1), x, n);
            if (linearBeforeReset)
            {
                if (hasBias) b.Slice(5 * hidden, hidden).CopyTo(t);
                else t.Clear();
                GateMatVec.Run(Weights(args, 2, d, 2, 1), h, t);
                TensorPrimitives.MultiplyAdd(r, t, n, n);
            }
            else
            {
                if (hasBias) TensorPrimitives.Add(n, b.Slice(5 * hidden, hidden), n);
                TensorPrimitives.Multiply(r, h, t);
                GateMatVec.Run(Weights(args, 2, d, 2, 1), t, n);
            }
            ClipGates(n);
            gAct.Apply(n);
            // h' = n + z⊙(h − n), the same blend with one multiply.
            TensorPrimitives.Subtract(h, n, t);
            TensorPrimitives.MultiplyAdd(z, t, n, h);
        }
    }
}
