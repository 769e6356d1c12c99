using System;
using System.CodeDom.Compiler;
using System.Globalization;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// The quantizer's GRU (<c>EdgeToken.QGru</c>) as one direct call of the runtime's <c>QGru.Run</c>, the function
        /// the kernel object runs: X, Y and Y_h spans over the arena, the packed int8 W and R and their scales over the
        /// class's static weights, the geometry and the folded bias built once when the class is first used (static
        /// fields), the whole plan scratch for the state and the cell. Bit for bit the executor; nothing allocated per
        /// inference. Anything unexpected (sequence_lens, an unknown attribute, a tensor outside the arena or the weights)
        /// stays a kernel object.
        /// </summary>
        internal static class Int8Gru
        {
            private const string Recurrent = "global::EdgeToken.Runtime.Kernels.Recurrent.";
            private const int Float32 = 1, Int8Type = 3;

            /// <summary>What the call needs from the step, or null when the step is not one this emitter takes.</summary>
            private sealed class Shape
            {
                public int Sequence, Batch, Input, Hidden, Directions, Layout;
                public bool ReverseOnly, Linear;
                public string Clip = "float.PositiveInfinity";
            }

            private static Shape? Match(PipelineModel m, StepModel step)
            {
                if (step.Inputs.Count < 8 || step.Outputs.Count < 1 || step.Outputs.Count > 2) return null;
                var t = m.Plan.Tensors;
                bool Is(int i, int kind, int type) => i >= 0 && t[i].Kind == kind && t[i].Type == type;
                bool FloatAnywhere(int i) => i >= 0 && (t[i].Kind == 1 || t[i].Kind == 2) && t[i].Type == Float32;
                var s = step.Inputs;
                if (!Is(s[0], 1, Float32) || !Is(s[1], 2, Int8Type) || !Is(s[2], 2, Int8Type) || !Is(s[6], 2, Float32) || !Is(s[7], 2, Float32)) return null;
                if (s[3] >= 0 && !Is(s[3], 2, Float32) || s[4] >= 0 || s[5] >= 0 && !FloatAnywhere(s[5]) || s.Count > 8) return null;
                foreach (var o in step.Outputs) if (o >= 0 && !Is(o, 1, Float32)) return null;
                var shape = new Shape();
                string direction = "forward";
                foreach (var a in step.Attributes)
                {
                    switch (a.Name)
                    {
                        case "hidden_size" when a.Kind == 2: shape.Hidden = int.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "layout" when a.Kind == 2: shape.Layout = int.Parse(a.Value, CultureInfo.InvariantCulture); break;
                        case "linear_before_reset" when a.Kind == 2: shape.Linear = a.Value != "0"; break;
                        case "direction" when a.Kind == 3: direction = a.Value; break;
                        case "clip" when a.Kind == 1: shape.Clip = Emitter.Float(a.Value); break;
                        default: return null;
                    }
                }
                if (direction != "forward" && direction != "reverse" && direction != "bidirectional" || shape.Layout != 0 && shape.Layout != 1) return null;
                shape.Directions = direction == "bidirectional" ? 2 : 1;
                shape.ReverseOnly = direction == "reverse";
                var x = t[s[0]].Dims;
                if (x.Count != 3 || shape.Hidden <= 0) return null;
                shape.Sequence = shape.Layout == 0 ? x[0] : x[1];
                shape.Batch = shape.Layout == 0 ? x[1] : x[0];
                shape.Input = x[2];
                return shape;
            }

            public static string[]? Lines(PipelineModel m, StepModel step, int index)
            {
                var shape = Match(m, step);
                if (shape is null) return null;
                var t = m.Plan.Tensors;
                var s = step.Inputs;
                string Arena(int i) => i < 0 ? "default" : $"F(arena, {t[i].Offset}, {t[i].Length})";
                string Weight(int i) => $"{Emitter.MarshalName}.Cast<byte, float>(weights.Slice({t[i].Offset}, {t[i].Length}))";
                string initialH = s[5] < 0 ? "default" : t[s[5]].Kind == 1 ? Arena(s[5]) : Weight(s[5]);
                int y = step.Outputs[0], yh = step.Outputs.Count > 1 ? step.Outputs[1] : -1;
                return new[]
                {
                    $"{Recurrent}QGru.Run(s_step{index}Geometry, {Arena(s[0])}, W8(weights, {t[s[1]].Offset}, {t[s[1]].Length}), {Weight(s[6])},",
                    $"    W8(weights, {t[s[2]].Offset}, {t[s[2]].Length}), {Weight(s[7])}, s_step{index}Bias.Bias, s_step{index}Bias.Rbh, {initialH}, {shape.Clip},",
                    $"    {Arena(y)}, {Arena(yh)}, _scratch, s_step{index}RowSums);",
                };
            }

            public static void WriteFields(IndentedTextWriter w, PipelineModel m, StepModel step, int index)
            {
                var shape = Match(m, step);
                if (shape is null) return;
                var b = step.Inputs[3];
                string bias = b < 0 ? "default" : $"{Emitter.MarshalName}.Cast<byte, float>(Weights.Slice({m.Plan.Tensors[b].Offset}, {m.Plan.Tensors[b].Length}))";
                w.WriteLine($"private static readonly {Recurrent}RecurrentGeometry s_step{index}Geometry = new {Recurrent}RecurrentGeometry({shape.Sequence}, {shape.Batch}, " +
                    $"{shape.Input}, {shape.Hidden}, 3, {shape.Directions}, {(shape.ReverseOnly ? "true" : "false")}, {shape.Layout});");
                w.WriteLine($"private static readonly (float[] Bias, float[] Rbh) s_step{index}Bias = {Recurrent}QGru.FoldBias({bias}, {shape.Directions}, {shape.Hidden}, {(shape.Linear ? "true" : "false")});");
                // Σw per packed row for the u8 products (7-bit weights), computed once when the class is first used; null otherwise.
                string W8Field(int i) => $"{Emitter.MarshalName}.Cast<byte, sbyte>(Weights.Slice({m.Plan.Tensors[i].Offset}, {m.Plan.Tensors[i].Length}))";
                w.WriteLine($"private static readonly int[]? s_step{index}RowSums = {Recurrent}QGru.RowSums({W8Field(step.Inputs[1])}, {W8Field(step.Inputs[2])}, s_step{index}Geometry);");
            }
        }
    }
}
