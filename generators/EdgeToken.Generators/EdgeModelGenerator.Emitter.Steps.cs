using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// The plan's steps as straight-line code. Float activations with a static entry point in the runtime
        /// (Relu, Sigmoid, Tanh, HardSwish, LeakyRelu, HardSigmoid, Elu) are called directly on arena spans with
        /// constant offsets and attributes; views the planner placed in their input's buffer cost nothing; one-row
        /// dense layers, float (<see cref="DenseLayers"/>) and int8 (<see cref="Int8Layers"/>), are direct kernel
        /// calls over the static weights; every other operator runs as the runtime's kernel object, built once in
        /// the constructor and called with constant slots.
        /// </summary>
        internal static class Steps
        {
            private const string Ops = "global::EdgeToken.Runtime.Operators.";
            private const string Act = "global::EdgeToken.Runtime.Kernels.Activations.";
            private static readonly HashSet<string> s_views = new HashSet<string> { "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout" };

            private enum Form { Specialised, View, Dense, Int8, Kernel }

            private static Form FormOf(PipelineModel m, int index)
            {
                var step = m.Plan.Steps[index];
                var t = m.Plan.Tensors;
                bool arenaFloat(int i) => i >= 0 && t[i].Kind == 1 && t[i].Type == 1;
                if (step.Outputs.Count >= 1 && step.Outputs.Skip(1).All(o => o < 0) && step.Inputs.Count >= 1 && step.Inputs[0] >= 0)
                {
                    var x = t[step.Inputs[0]];
                    var y = step.Outputs[0] >= 0 ? t[step.Outputs[0]] : null;
                    if (y != null && s_views.Contains(step.OpType) && x.Kind == 1 && y.Kind == 1 && x.Offset == y.Offset && x.Length == y.Length)
                        return Form.View;
                    if (y != null && step.Inputs.Count == 1 && arenaFloat(step.Inputs[0]) && arenaFloat(step.Outputs[0]) && Call(step, "x", "y") != null)
                        return Form.Specialised;
                }
                if (DenseLayers.Lines(m, step) != null) return Form.Dense;
                if (Int8Layers.Lines(m, step, index) != null) return Form.Int8;
                return Form.Kernel;
            }

            /// <summary>The static call for a specialised step, or null.</summary>
            private static string? Call(StepModel step, string x, string y)
            {
                string F(string name, string fallback)
                {
                    foreach (var a in step.Attributes) if (a.Name == name && a.Kind == 1) return Emitter.Float(a.Value);
                    return fallback;
                }
                if (step.Attributes.Any(a => a.Name.StartsWith("edgetoken.", System.StringComparison.Ordinal))) return null;
                switch (step.OpType)
                {
                    case "Relu": return $"{Act}Relu.Run({x}, {y});";
                    case "Sigmoid": return $"{Act}Sigmoid.Run({x}, {y});";
                    case "Tanh": return $"{Act}Tanh.Run({x}, {y});";
                    case "HardSwish": return $"{Act}HardSwish.Run({x}, {y});";
                    case "LeakyRelu": return $"{Act}LeakyRelu.Run({x}, {y}, {F("alpha", Act + "LeakyRelu.DefaultAlpha")});";
                    case "HardSigmoid": return $"{Act}HardSigmoid.Run({x}, {y}, {F("alpha", Act + "HardSigmoid.DefaultAlpha")}, {F("beta", Act + "HardSigmoid.DefaultBeta")});";
                    case "Elu": return $"{Act}Elu.Run({x}, {y}, {F("alpha", Act + "Elu.DefaultAlpha")});";
                    default: return null;
                }
            }

            public static void WriteFields(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("// Weights: RVA data in the assembly image, never copied onto the managed heap.");
                w.Write("private static global::System.ReadOnlySpan<byte> Weights => ");
                var weights = Int8Layers.Weights(m);
                if (weights.Length == 0) w.WriteLine("default;");
                else
                {
                    w.WriteLine("new byte[]");
                    w.WriteLine("{");
                    var line = new StringBuilder();
                    for (int i = 0; i < weights.Length; i++)
                    {
                        line.Append("0x").Append(weights[i].ToString("X2")).Append(", ");
                        if (i % 16 == 15 || i == weights.Length - 1)
                        {
                            w.WriteLine("    " + line.ToString().TrimEnd());
                            line.Clear();
                        }
                    }
                    w.WriteLine("};");
                }
                w.WriteLine();
                for (int s = 0; s < m.Plan.Steps.Count; s++)
                {
                    var step = m.Plan.Steps[s];
                    var form = FormOf(m, s);
                    if (form == Form.Int8) Int8Layers.WriteFields(w, m, step, s);
                    if (form != Form.Kernel) continue;
                    w.WriteLine($"private readonly {Ops}Kernel _step{s}; // {step.OpType} '{Comment(step.Name)}'");
                    w.WriteLine($"private static readonly {Ops}SlotRef[] s_step{s}Inputs = {{ {string.Join(", ", step.Inputs.Select(i => Slot(m, i)))} }};");
                    w.WriteLine($"private static readonly {Ops}SlotRef[] s_step{s}Outputs = {{ {string.Join(", ", step.Outputs.Select(i => Slot(m, i)))} }};");
                }
                w.WriteLine();
            }

            public static void WriteConstruction(IndentedTextWriter w, PipelineModel m)
            {
                if (!Enumerable.Range(0, m.Plan.Steps.Count).Any(s => FormOf(m, s) == Form.Kernel)) return;
                w.WriteLine("var weights = global::EdgeToken.Runtime.Generated.StaticWeights.AsMemory(Weights);");
                for (int s = 0; s < m.Plan.Steps.Count; s++)
                {
                    var step = m.Plan.Steps[s];
                    if (FormOf(m, s) != Form.Kernel) continue;
                    string inputs = string.Join(", ", step.Inputs.Select(i => i < 0
                        ? "global::EdgeToken.Runtime.Generated.StepInput.Missing"
                        : $"new global::EdgeToken.Runtime.Generated.StepInput({Info(m, i)}, s_step{s}Inputs[{step.Inputs.ToList().IndexOf(i)}])"));
                    string outputs = string.Join(", ", step.Outputs.Select(o => o < 0 ? Ops + "TensorInfo.Missing" : Info(m, o)));
                    w.WriteLine($"_step{s} = global::EdgeToken.Runtime.Generated.GeneratedStep.CreateKernel({Emitter.String(step.Name)}, {Emitter.String(step.OpType)}, {step.Opset}, {Attributes(step)},");
                    w.WriteLine($"    new global::EdgeToken.Runtime.Generated.StepInput[] {{ {inputs} }},");
                    w.WriteLine($"    new {Ops}TensorInfo[] {{ {outputs} }}, weights);");
                    w.WriteLine($"if (_step{s}.ScratchBytes > ScratchBytes) throw new global::System.InvalidOperationException(\"step {s} needs more scratch than planned; rebuild with the matching EdgeToken version\");");
                }
            }

            public static void WriteRun(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("private static global::System.Span<float> F(global::System.Span<byte> arena, int offset, int length) =>");
                w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, float>(arena.Slice(offset, length));");
                w.WriteLine();
                var forms = Enumerable.Range(0, m.Plan.Steps.Count).Select(s => FormOf(m, s)).ToList();
                if (forms.Contains(Form.Dense))
                {
                    w.WriteLine("private static global::System.ReadOnlySpan<float> W(global::System.ReadOnlySpan<byte> weights, int offset, int length) =>");
                    w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, float>(weights.Slice(offset, length));");
                    w.WriteLine();
                }
                if (forms.Contains(Form.Int8))
                {
                    w.WriteLine("private static global::System.Span<sbyte> I8(global::System.Span<byte> arena, int offset, int length) =>");
                    w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, sbyte>(arena.Slice(offset, length));");
                    w.WriteLine();
                    w.WriteLine("private static global::System.ReadOnlySpan<sbyte> W8(global::System.ReadOnlySpan<byte> weights, int offset, int length) =>");
                    w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, sbyte>(weights.Slice(offset, length));");
                    w.WriteLine();
                    w.WriteLine("private static global::System.ReadOnlySpan<int> W32(global::System.ReadOnlySpan<byte> weights, int offset, int length) =>");
                    w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, int>(weights.Slice(offset, length));");
                    w.WriteLine();
                    w.WriteLine("/// <summary>The first <paramref name=\"count\"/> int32 of the scratch: a quantized layer's accumulators.</summary>");
                    w.WriteLine("private global::System.Span<int> Accumulators(int count) =>");
                    w.WriteLine($"    {Emitter.MarshalName}.Cast<byte, int>(new global::System.Span<byte>(_scratch, 0, count * sizeof(int)));");
                    w.WriteLine();
                }
                w.WriteLine("/// <summary>The plan's steps in schedule order; every offset and length is a constant.</summary>");
                w.WriteLine("private void Run()");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine("global::System.Span<byte> arena = _arena;");
                w.WriteLine("global::System.ReadOnlySpan<byte> weights = Weights;");
                var t = m.Plan.Tensors;
                for (int s = 0; s < m.Plan.Steps.Count; s++)
                {
                    var step = m.Plan.Steps[s];
                    string shape = string.Join(", ", step.Outputs.Where(o => o >= 0).Select(o => "[" + Emitter.Join(t[o].Dims) + "]"));
                    w.WriteLine($"// {s}: {step.OpType} '{Comment(step.Name)}' -> {shape}");
                    switch (forms[s])
                    {
                        case Form.View:
                            w.WriteLine("//    a view: planned in its input's buffer, nothing to do");
                            break;
                        case Form.Specialised:
                            var x = t[step.Inputs[0]];
                            var y = t[step.Outputs[0]];
                            w.WriteLine(Call(step, $"F(arena, {x.Offset}, {x.Length})", $"F(arena, {y.Offset}, {y.Length})"));
                            break;
                        case Form.Dense:
                            foreach (var line in DenseLayers.Lines(m, step)!) w.WriteLine(line);
                            break;
                        case Form.Int8:
                            foreach (var line in Int8Layers.Lines(m, step, s)!) w.WriteLine(line);
                            break;
                        default:
                            w.WriteLine($"_step{s}.Run(new {Ops}KernelArgs(arena, weights, s_step{s}Inputs, s_step{s}Outputs, new global::System.Span<byte>(_scratch, 0, _step{s}.ScratchBytes)));");
                            break;
                    }
                }
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();
            }

            private static string Slot(PipelineModel m, int index)
            {
                if (index < 0) return "default";
                var t = m.Plan.Tensors[index];
                string kind = t.Kind == 2 ? "Weight" : t.Kind == 1 ? "Arena" : "None";
                return $"new {Ops}SlotRef({Ops}SlotKind.{kind}, {t.Offset}, {t.Length})";
            }

            private static string Info(PipelineModel m, int index)
            {
                var t = m.Plan.Tensors[index];
                return $"new {Ops}TensorInfo((global::EdgeToken.Runtime.Tensors.ElementType){t.Type}, new int[] {{ {Emitter.Join(t.Dims)} }})";
            }

            private static string Attributes(StepModel step)
            {
                if (step.Attributes.Count == 0) return Ops + "NodeAttributes.Empty";
                var sb = new StringBuilder();
                sb.Append($"new {Ops}NodeAttributes(new global::System.Collections.Generic.Dictionary<string, {Ops}AttributeValue>(global::System.StringComparer.Ordinal) {{ ");
                foreach (var a in step.Attributes)
                    sb.Append($"[{Emitter.String(a.Name)}] = {Ops}AttributeValue.Of({AttributeValue(a)}), ");
                sb.Append("})");
                return sb.ToString();
            }

            private static string AttributeValue(AttributeModel a)
            {
                string[] Parts() => a.Value.Length == 0 ? new string[0] : a.Value.Split(',');
                switch (a.Kind)
                {
                    case 1: return Emitter.Float(a.Value);
                    case 2: return a.Value + "L";
                    case 3: return Emitter.String(System.Uri.UnescapeDataString(a.Value));
                    case 6: return $"new float[] {{ {string.Join(", ", Parts().Select(Emitter.Float))} }}";
                    case 7: return $"new long[] {{ {string.Join(", ", Parts().Select(p => p + "L"))} }}";
                    case 8: return $"new string[] {{ {string.Join(", ", Parts().Select(p => Emitter.String(System.Uri.UnescapeDataString(p))))} }}";
                    case 4:
                        var fields = a.Value.Split(';');
                        return $"new global::EdgeToken.Runtime.Tensors.ConstantTensor((global::EdgeToken.Runtime.Tensors.ElementType){fields[0]}, new int[] {{ {fields[1]} }}, global::System.Convert.FromBase64String({Emitter.String(fields[2])}))";
                    default: throw new System.FormatException($"attribute '{a.Name}' has kind {a.Kind}");
                }
            }

            private static string Comment(string text) => text.Replace("\n", " ").Replace("\r", " ");
        }
    }
}
