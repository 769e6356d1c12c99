using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>RNN, float32: <c>h' = f(Wi·x + Ri·h + Wbi + Rbi)</c>, f = Tanh unless <c>activations</c> says otherwise.</summary>
internal sealed class RnnOperator : OperatorDefinition
{
    private static readonly RecurrentActivation[] s_defaults = [RecurrentActivation.Tanh];

    public override string OpType => "RNN";

    public override void InferOutputs(NodeContext node)
    {
        var g = RecurrentGeometry.From(node, gates: 1);
        node.SetOutput(0, ElementType.Float32, g.YDims);
        node.SetOutput(1, ElementType.Float32, g.StateDims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = RecurrentGeometry.From(node, gates: 1);
        return new RnnKernel(g, node.Attributes.GetFloat("clip", float.PositiveInfinity), RecurrentActivation.Parse(node, s_defaults, g.Directions));
    }

    private sealed class RnnKernel(RecurrentGeometry geometry, float clip, RecurrentActivation[] activations)
        : RecurrentKernel(geometry, clip, hasCell: false, stepFloats: geometry.Hidden)
    {
        protected override void Step(in KernelArgs args, int d, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> scratch)
        {
            var gates = scratch.Slice(0, Geometry.Hidden);
            InitBias(args, d, 0, 1, gates);
            GateMatVec.Run(Weights(args, 1, d, 0, 1), x, gates);
            GateMatVec.Run(Weights(args, 2, d, 0, 1), h, gates);
            ClipGates(gates);
            activations[d].Apply(gates);
            gates.CopyTo(h);
        }
    }
}
