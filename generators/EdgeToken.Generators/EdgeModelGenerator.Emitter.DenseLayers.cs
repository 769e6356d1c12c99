using System.Collections.Generic;
using System.Globalization;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// Gemm with one row (M = 1: a window through a dense layer) as a direct call of the runtime's Gemv on constant
        /// spans: x and y in the arena, W and the bias over the class's static weights, no kernel object, no packing.
        /// A fused activation becomes the same static call the standalone activations use, on y in place. Anything
        /// else (alpha/beta not 1, transA, a bias that broadcasts another way, an activation without a static entry
        /// point, x and y overlapping) stays a kernel object.
        /// </summary>
        internal static class DenseLayers
        {
            private const string Gemv = "global::EdgeToken.Runtime.Kernels.Linear.Gemv.";
            private const string Act = "global::EdgeToken.Runtime.Kernels.Activations.";

            /// <summary>The statements for this step, or null when it is not a one-row Gemm this emitter specialises.</summary>
            public static string[]? Lines(PipelineModel m, StepModel step)
            {
                if (step.OpType != "Gemm" || step.Inputs.Count < 2 || step.Outputs.Count != 1 || step.Outputs[0] < 0) return null;
                var t = m.Plan.Tensors;
                int xi = step.Inputs[0], wi = step.Inputs[1], bi = step.Inputs.Count > 2 ? step.Inputs[2] : -1;
                if (xi < 0 || wi < 0) return null;
                var x = t[xi];
                var w = t[wi];
                var y = t[step.Outputs[0]];
                if (x.Kind != 1 || x.Type != 1 || w.Kind != 2 || w.Type != 1 || y.Kind != 1 || y.Type != 1) return null;
                if (x.Dims.Count != 2 || x.Dims[0] != 1 || w.Dims.Count != 2 || y.Dims.Count != 2 || y.Dims[0] != 1) return null;
                if (x.Offset < y.Offset + y.Length && y.Offset < x.Offset + x.Length) return null;

                float alpha = 1f, beta = 1f;
                long transA = 0, transB = 0;
                string activation = "";
                var activationArgs = new Dictionary<string, string>();
                foreach (var a in step.Attributes)
                {
                    switch (a.Name)
                    {
                        case "alpha": alpha = float.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "beta": beta = float.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "transA": transA = long.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "transB": transB = long.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "edgetoken.activation": activation = System.Uri.UnescapeDataString(a.Value); break;
                        case "edgetoken.activation_alpha": activationArgs["alpha"] = Emitter.Float(a.Value); break;
                        case "edgetoken.activation_beta": activationArgs["beta"] = Emitter.Float(a.Value); break;
                        default: return null;
                    }
                }
                if (alpha != 1f || transA != 0) return null;
                int k = x.Dims[1], n = y.Dims[1];
                if (transB == 0 ? (w.Dims[0] != k || w.Dims[1] != n) : (w.Dims[0] != n || w.Dims[1] != k)) return null;

                string bias = "default";
                if (bi >= 0)
                {
                    var b = t[bi];
                    // A bias of N values (shape [N] or [1, N]) added once; beta 0 means no bias.
                    if (b.Kind != 2 || b.Type != 1 || b.Length != n * 4) return null;
                    if (beta != 1f) return null;
                    bias = $"W(weights, {b.Offset}, {b.Length})";
                }

                string ys = $"F(arena, {y.Offset}, {y.Length})";
                string? post = Activation(activation, activationArgs, ys);
                if (post is null) return null;
                string call = $"{Gemv}{(transB == 0 ? "RunKN" : "RunNK")}(F(arena, {x.Offset}, {x.Length}), W(weights, {w.Offset}, {w.Length}), {bias}, {ys});";
                return post.Length == 0 ? new[] { call } : new[] { call, post };
            }

            private static string? Activation(string kind, Dictionary<string, string> args, string y)
            {
                string A(string name, string fallback) => args.TryGetValue(name, out var v) ? v : fallback;
                switch (kind)
                {
                    case "": return "";
                    case "Relu": return $"{Act}Relu.Run({y}, {y});";
                    case "Sigmoid": return $"{Act}Sigmoid.Run({y}, {y});";
                    case "Tanh": return $"{Act}Tanh.Run({y}, {y});";
                    case "HardSwish": return $"{Act}HardSwish.Run({y}, {y});";
                    case "LeakyRelu": return $"{Act}LeakyRelu.Run({y}, {y}, {A("alpha", Act + "LeakyRelu.DefaultAlpha")});";
                    case "HardSigmoid": return $"{Act}HardSigmoid.Run({y}, {y}, {A("alpha", Act + "HardSigmoid.DefaultAlpha")}, {A("beta", Act + "HardSigmoid.DefaultBeta")});";
                    default: return null;
                }
            }
        }
    }
}
