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
        bool linearBeforeReset = node.Attributes.GetInt("linear_before_reset", 0) != 0;
        // With linear_before_reset the candidate's Rb sits inside r⊙(Rh·h + Rbh), so only z and r take it in the projection.
        var activations = RecurrentActivation.Parse(node, s_defaults, g.Directions);
        // The default gate functions (sigmoid and tanh in every direction), either form of the candidate, run as one
        // GruCell per step, which projects x itself from Wᵀ.
        bool cell = Enumerable.Range(0, g.Directions).All(d => activations[2 * d].Kind == RecurrentActivationKind.Sigmoid && activations[2 * d + 1].Kind == RecurrentActivationKind.Tanh);
        var weights = new RecurrentWeights(node, g, foldedGates: linearBeforeReset ? 2 : 3, transposeW: cell);
        return new GruKernel(g, weights, node.Attributes.GetFloat("clip", float.PositiveInfinity), activations, linearBeforeReset, cell);
    }

    private sealed class GruKernel(RecurrentGeometry geometry, RecurrentWeights weights, float clip, RecurrentActivation[] activations, bool linearBeforeReset, bool cell)
        : RecurrentKernel(geometry, weights, clip, hasCell: false, stepFloats: 4 * geometry.Hidden, fusedProjection: cell)
    {
        protected override bool RunSequence(int d, in RecurrentDirection weights, ReadOnlySpan<float> x, Span<float> h, Span<float> c, Span<float> y, int yStride,
            bool reverse, Span<float> scratch)
        {
            if (!FusedProjection) return false;
            GruCell.Sequence(weights.TransposedW, x, Geometry.Input, weights.ProjectionBias, weights.TransposedR, Clip, h, scratch, Geometry.Sequence, reverse, y, yStride,
                CandidateRecurrentBias(weights));
            return true;
        }

        protected override void Step(in KernelArgs args, int d, in RecurrentDirection weights, ReadOnlySpan<float> projection,
            Span<float> h, Span<float> c, Span<float> scratch)
        {
            if (FusedProjection)
            {
                GruCell.Run(weights.TransposedW, projection, weights.ProjectionBias, weights.TransposedR, Clip, h, scratch, CandidateRecurrentBias(weights));
                return;
            }
            int hidden = Geometry.Hidden, gh = 3 * hidden;
            var rt = weights.TransposedR;
            // Only gate functions other than sigmoid/tanh in some direction get here (GruCell runs the rest).
            ref readonly var fAct = ref activations[2 * d];
            ref readonly var gAct = ref activations[2 * d + 1];
            if (linearBeforeReset)
            {
                var a = scratch.Slice(0, gh);
                GateMatVec.Run(rt, gh, h, a);
                var rbh = weights.RecurrentBias.Slice(2 * hidden, hidden);
                var zr = a.Slice(0, 2 * hidden);
                TensorPrimitives.Add(zr, projection.Slice(0, 2 * hidden), zr);
                ClipGates(zr);
                fAct.Apply(zr);
                var n = a.Slice(2 * hidden, hidden);
                TensorPrimitives.Add(n, rbh, n);
                TensorPrimitives.MultiplyAdd(zr.Slice(hidden, hidden), n, projection.Slice(2 * hidden, hidden), n);
                Blend(gAct, zr.Slice(0, hidden), n, scratch.Slice(gh, hidden), h);
            }
            else
            {
                var zr = scratch.Slice(0, 2 * hidden);
                var rh = scratch.Slice(2 * hidden, hidden);
                var n = scratch.Slice(3 * hidden, hidden);
                GateMatVec.Run(rt, gh, h, zr);
                TensorPrimitives.Add(zr, projection.Slice(0, 2 * hidden), zr);
                ClipGates(zr);
                fAct.Apply(zr);
                TensorPrimitives.Multiply(zr.Slice(hidden, hidden), h, rh);
                GateMatVec.Run(rt.Slice(2 * hidden), gh, rh, n);
                TensorPrimitives.Add(n, projection.Slice(2 * hidden, hidden), n);
                Blend(gAct, zr.Slice(0, hidden), n, rh, h);
            }
        }

        /// <summary>Rbh for the linear_before_reset cell (which the projection bias then leaves out); empty for the default form.</summary>
        private ReadOnlySpan<float> CandidateRecurrentBias(in RecurrentDirection weights) =>
            linearBeforeReset ? weights.RecurrentBias.Slice(2 * Geometry.Hidden, Geometry.Hidden) : default;

        /// <summary>n = g(clip(n)), then h' = n + z⊙(h − n), the spec's (1 − z)⊙n + z⊙h with one multiply.</summary>
        private void Blend(in RecurrentActivation gAct, ReadOnlySpan<float> z, Span<float> n, Span<float> t, Span<float> h)
        {
            ClipGates(n);
            gAct.Apply(n);
            TensorPrimitives.Subtract(h, n, t);
            TensorPrimitives.MultiplyAdd(z, t, n, h);
        }
    }
}
