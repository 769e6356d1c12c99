using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>LSTM, float32, as the ONNX spec writes it (gate order i, o, f, c; peepholes P in order i, o, f):
/// <code>
/// i = f(Wi·x + Ri·h + Pi⊙c + Wbi + Rbi)       f = f(Wf·x + Rf·h + Pf⊙c + Wbf + Rbf)   (f = 1 − i with input_forget)
/// g = g(Wc·x + Rc·h + Wbc + Rbc)             c' = f⊙c + i⊙g
/// o = f(Wo·x + Ro·h + Po⊙c' + Wbo + Rbo)     h' = o⊙h(c')
/// </code>
/// <c>clip</c> bounds the pre-activations of the four gates (not the cell state fed to h).</summary>
internal sealed class LstmOperator : OperatorDefinition
{
    private static readonly RecurrentActivation[] s_defaults = [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh, RecurrentActivation.Tanh];

    public override string OpType => "LSTM";

    public override void InferOutputs(NodeContext node)
    {
        var g = Geometry(node);
        node.SetOutput(0, ElementType.Float32, g.YDims);
        node.SetOutput(1, ElementType.Float32, g.StateDims);
        node.SetOutput(2, ElementType.Float32, g.StateDims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = Geometry(node);
        return new LstmKernel(g, new RecurrentWeights(node, g, foldedGates: 4), node.Attributes.GetFloat("clip", float.PositiveInfinity), RecurrentActivation.Parse(node, s_defaults, g.Directions),
            node.Attributes.GetInt("input_forget", 0) != 0, node.HasInput(7));
    }

    private static RecurrentGeometry Geometry(NodeContext node)
    {
        var g = RecurrentGeometry.From(node, gates: 4);
        string where = $"LSTM '{node.NodeName}'";
        if (node.HasInput(6))
        {
            node.ExpectType(6, ElementType.Float32);
            RecurrentGeometry.Expect(where, "initial_c", node.Input(6).Dims, g.StateDims);
        }
        if (node.HasInput(7))
        {
            node.ExpectType(7, ElementType.Float32);
            RecurrentGeometry.Expect(where, "P", node.Input(7).Dims, [g.Directions, 3 * g.Hidden]);
        }
        return g;
    }

    private sealed class LstmKernel(RecurrentGeometry geometry, RecurrentWeights weights, float clip, RecurrentActivation[] activations, bool inputForget, bool peepholes)
        : RecurrentKernel(geometry, weights, clip, hasCell: true, stepFloats: 4 * geometry.Hidden)
    {
        /// <summary>Stands in for P without peepholes, so the fused gate pass has one form.</summary>
        private readonly float[] _zeroPeepholes = peepholes ? [] : new float[3 * geometry.Hidden];

        protected override void Step(in KernelArgs args, int d, in RecurrentDirection weights, ReadOnlySpan<float> projection,
            Span<float> h, Span<float> c, Span<float> scratch)
        {
            int hidden = Geometry.Hidden;
            var gates = scratch.Slice(0, 4 * hidden);
            GateMatVec.Run(weights.TransposedR, 4 * hidden, h, gates);
            ref readonly var fAct = ref activations[3 * d];
            ref readonly var gAct = ref activations[3 * d + 1];
            ref readonly var hAct = ref activations[3 * d + 2];
            ReadOnlySpan<float> p = peepholes ? args.Input<float>(7).Slice(d * 3 * hidden, 3 * hidden) : ReadOnlySpan<float>.Empty;
            if (!inputForget && fAct.Kind == RecurrentActivationKind.Sigmoid && gAct.Kind == RecurrentActivationKind.Tanh && hAct.Kind == RecurrentActivationKind.Tanh)
            {
                LstmGates.Run(projection, gates, peepholes ? p : _zeroPeepholes, Clip, c, h);
                return;
            }
            TensorPrimitives.Add(gates, projection, gates);
            var i = gates.Slice(0, hidden);
            var o = gates.Slice(hidden, hidden);
            var f = gates.Slice(2 * hidden, hidden);
            var g = gates.Slice(3 * hidden, hidden);

            if (peepholes) TensorPrimitives.MultiplyAdd(p.Slice(0, hidden), c, i, i);
            ClipGates(i);
            fAct.Apply(i);
            ClipGates(g);
            gAct.Apply(g);
            if (inputForget)
            {
                TensorPrimitives.Subtract(1f, i, f);
            }
            else
            {
                if (peepholes) TensorPrimitives.MultiplyAdd(p.Slice(2 * hidden, hidden), c, f, f);
                ClipGates(f);
                fAct.Apply(f);
            }
            TensorPrimitives.Multiply(c, f, c);
            TensorPrimitives.MultiplyAdd(i, g, c, c);
            if (peepholes) TensorPrimitives.MultiplyAdd(p.Slice(hidden, hidden), c, o, o);
            ClipGates(o);
            fAct.Apply(o);
            c.CopyTo(h);
            hAct.Apply(h);
            TensorPrimitives.Multiply(h, o, h);
        }
    }
}
