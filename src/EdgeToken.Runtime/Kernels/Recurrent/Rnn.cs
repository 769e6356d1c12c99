using System.Numerics.Tensors;
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
        return new RnnKernel(g, new RecurrentWeights(node, g, foldedGates: 1), node.Attributes.GetFloat("clip", float.PositiveInfinity), RecurrentActivation.Parse(node, s_defaults, g.Directions));
    }

    private sealed class RnnKernel(RecurrentGeometry geometry, RecurrentWeights weights, float clip, RecurrentActivation[] activations)
        : RecurrentKernel(geometry, weights, clip, hasCell: false, stepFloats: geometry.Hidden)
    {
        protected override void Step(in KernelArgs args, int d, in RecurrentDirection weights, ReadOnlySpan<float> projection,
            Span<float> h, Span<float> c, Span<float> scratch)
        {
            var gates = scratch.Slice(0, Geometry.Hidden);
            GateMatVec.Run(weights.TransposedR, Geometry.Hidden, h, gates);
            TensorPrimitives.Add(gates, projection, gates);
            ClipGates(gates);
            activations[d].Apply(gates);
            gates.CopyTo(h);
        }
    }
}
