using System;
using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Globalization;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// The quantizer's layers as direct static calls, as <see cref="DenseLayers"/> does for float Gemm: a one-row
        /// <c>EdgeToken.QGemm</c> becomes <c>Int8Gemv.Run</c> on int8 spans over the arena, W and the int32 bias over the
        /// class's static weights, the requantization multipliers and shifts as static RVA data, and the int32 accumulators
        /// in the plan's scratch (which the QGemm kernel the plan was sized with needs anyway). QuantizeLinear and
        /// DequantizeLinear with one float scale and one int8 zero point become the runtime's <c>Row</c> calls with both
        /// as constants. These are the very functions the kernel objects run, so the result is bit for bit the plan
        /// executor's. Anything else (M &gt; 1, per-axis scales, another element type, an attribute the kernel would
        /// read differently) stays a kernel object.
        /// </summary>
        internal static class Int8Layers
        {
            private const string Int8 = "global::EdgeToken.Runtime.Kernels.Int8.";
            private const string Quantization = "global::EdgeToken.Runtime.Kernels.Quantization.";
            private const int Float32 = 1, Int8Type = 3, Int32 = 6;

            /// <summary>The statements for step <paramref name="index"/>, or null when it is not a layer this emitter specialises.</summary>
            public static string[]? Lines(PipelineModel m, StepModel step, int index)
            {
                switch (step.OpType)
                {
                    case "EdgeToken.QGemm": return QGemm(m, step, index);
                    case "EdgeToken.QLookup": return Lookup(m, step, index);
                    case "EdgeToken.QGru": return Int8Gru.Lines(m, step, index);
                    case "QuantizeLinear": return Quantize(m, step);
                    case "DequantizeLinear": return Dequantize(m, step);
                    default: return null;
                }
            }

            /// <summary>Static data a specialised step reads: a QGemm's multipliers and shifts, a QLookup's table.</summary>
            public static void WriteFields(IndentedTextWriter w, PipelineModel m, StepModel step, int index)
            {
                if (step.OpType == "EdgeToken.QLookup" && Lookup(m, step, index) != null)
                {
                    var table = m.Plan.Tensors[step.Inputs[1]];
                    var entries = new string[256];
                    for (int i = 0; i < entries.Length; i++) entries[i] = unchecked((sbyte)m.Plan.Weights[table.Offset + i]).ToString(CultureInfo.InvariantCulture);
                    w.WriteLine($"private static global::System.ReadOnlySpan<sbyte> Step{index}Table => new sbyte[] {{ {string.Join(", ", entries)} }};");
                    return;
                }
                if (step.OpType == "EdgeToken.QGru")
                {
                    Int8Gru.WriteFields(w, m, step, index);
                    return;
                }
                if (step.OpType != "EdgeToken.QGemm") return;
                w.WriteLine($"private static global::System.ReadOnlySpan<int> Step{index}Multipliers => new int[] {{ {Ints(step, "multipliers")} }};");
                w.WriteLine($"private static global::System.ReadOnlySpan<int> Step{index}Shifts => new int[] {{ {Ints(step, "shifts")} }};");
                if (RowSums(m, step) is { } sums)
                    w.WriteLine($"private static global::System.ReadOnlySpan<int> Step{index}RowSums => new int[] {{ {string.Join(", ", sums)} }};");
            }

            /// <summary>For a packed QGemm weight whose every pair (w[o, 2i], w[o, 2i + 1]) has |a| + |b| &lt;= 128
            /// (U8S8Pairs.Fit, as 7-bit weights always do): Σ_k w[o, k] per output, which lets the x86 kernels multiply
            /// x + 128 as u8 with vpmaddubsw exactly. Null when one pair is past the bound (the signed kernels run).</summary>
            private static int[]? RowSums(PipelineModel m, StepModel step)
            {
                if (!Packable(m, step)) return null;
                var w = m.Plan.Tensors[step.Inputs[1]];
                int n = w.Dims[0], k = w.Dims[1];
                var sums = new int[n];
                for (int r = 0; r < n; r++)
                    for (int c = 0; c < k; c += 2)
                    {
                        int a = (sbyte)m.Plan.Weights[w.Offset + r * k + c], b = (sbyte)m.Plan.Weights[w.Offset + r * k + c + 1];
                        if (Math.Abs(a) + Math.Abs(b) > 128) return null;
                        sums[r] += a + b;
                    }
                return sums;
            }

            private static string[]? QGemm(PipelineModel m, StepModel step, int index)
            {
                if (step.Inputs.Count != 3 || step.Outputs.Count != 1 || step.Outputs[0] < 0) return null;
                var t = m.Plan.Tensors;
                foreach (var i in step.Inputs) if (i < 0) return null;
                var x = t[step.Inputs[0]];
                var w = t[step.Inputs[1]];
                var b = t[step.Inputs[2]];
                var y = t[step.Outputs[0]];
                if (x.Kind != 1 || x.Type != Int8Type || w.Kind != 2 || w.Type != Int8Type || b.Kind != 2 || b.Type != Int32 || y.Kind != 1 || y.Type != Int8Type) return null;
                if (x.Dims.Count != 2 || x.Dims[0] != 1 || w.Dims.Count != 2 || y.Dims.Count != 2 || y.Dims[0] != 1) return null;
                int k = x.Dims[1], n = w.Dims[0];
                if (w.Dims[1] != k || y.Dims[1] != n || b.Length != n * 4 || x.Length != k || w.Length != n * k || y.Length != n) return null;
                if (n * 4 > m.Plan.ScratchBytes) return null;
                // The accumulators are all computed before y is written, but x must not change under the product.
                if (x.Offset < y.Offset + y.Length && y.Offset < x.Offset + x.Length) return null;

                long zeroPoint = 0, min = sbyte.MinValue, max = sbyte.MaxValue;
                int multipliers = -1, shifts = -1;
                foreach (var a in step.Attributes)
                {
                    switch (a.Name)
                    {
                        case "multipliers": if (a.Kind != 7) return null; multipliers = Count(a.Value); break;
                        case "shifts": if (a.Kind != 7) return null; shifts = Count(a.Value); break;
                        case "output_zero_point": if (a.Kind != 2) return null; zeroPoint = Long(a.Value); break;
                        case "min": if (a.Kind != 2) return null; min = Long(a.Value); break;
                        case "max": if (a.Kind != 2) return null; max = Long(a.Value); break;
                        default:
                            // The quantizer's notes for the QDQ export and the fused activation it already folded into
                            // min/max: the kernel does not read them either.
                            if (!a.Name.StartsWith("edgetoken.", StringComparison.Ordinal)) return null;
                            break;
                    }
                }
                if (multipliers < 1 || multipliers != shifts || (multipliers != 1 && multipliers != n)) return null;
                if (zeroPoint < int.MinValue || zeroPoint > int.MaxValue || min < int.MinValue || min > int.MaxValue || max < int.MinValue || max > int.MaxValue) return null;

                string run = Packable(m, step) ? "RunPacked" : "Run";
                string rowSums = run == "RunPacked" && RowSums(m, step) != null ? $" Step{index}RowSums," : "";
                return new[]
                {
                    $"{Int8}Int8Gemv.{run}(I8(arena, {x.Offset}, {x.Length}), W8(weights, {w.Offset}, {w.Length}),{rowSums} W32(weights, {b.Offset}, {b.Length}),",
                    $"    Step{index}Multipliers, Step{index}Shifts, {zeroPoint}, {min}, {max}, Accumulators({n}), I8(arena, {y.Offset}, {y.Length}));",
                };
            }

            /// <summary>An <c>EdgeToken.QLookup</c> as <c>Int8Lookup.Run</c> over the table as static data: x and y int8 in the
            /// arena, the same length, either the same bytes (in place) or apart.</summary>
            private static string[]? Lookup(PipelineModel m, StepModel step, int index)
            {
                if (step.Inputs.Count != 2 || step.Outputs.Count != 1 || step.Outputs[0] < 0 || step.Inputs[0] < 0 || step.Inputs[1] < 0) return null;
                foreach (var a in step.Attributes) if (!a.Name.StartsWith("edgetoken.", StringComparison.Ordinal)) return null; // the QDQ export's notes
                var t = m.Plan.Tensors;
                var x = t[step.Inputs[0]];
                var table = t[step.Inputs[1]];
                var y = t[step.Outputs[0]];
                if (x.Kind != 1 || x.Type != Int8Type || table.Kind != 2 || table.Type != Int8Type || table.Length != 256 || y.Kind != 1 || y.Type != Int8Type) return null;
                if (x.Length != y.Length || (x.Offset != y.Offset && Overlaps(x, y))) return null;
                return new[] { $"{Int8}Int8Lookup.Run(Step{index}Table, I8(arena, {x.Offset}, {x.Length}), I8(arena, {y.Offset}, {y.Length}));" };
            }

            /// <summary>The weight blob as the class embeds it: every packable QGemm weight reordered in place into
            /// <c>Int8Gemv</c>'s packed layout (same bytes, same offsets, so the plan's other tensors are untouched).</summary>
            public static byte[] Weights(PipelineModel m)
            {
                var blob = new byte[m.Plan.Weights.Count];
                for (int i = 0; i < blob.Length; i++) blob[i] = m.Plan.Weights[i];
                for (int s = 0; s < m.Plan.Steps.Count; s++)
                {
                    var step = m.Plan.Steps[s];
                    if (step.OpType != "EdgeToken.QGemm" || QGemm(m, step, s) is null || !Packable(m, step)) continue;
                    var w = m.Plan.Tensors[step.Inputs[1]];
                    int n = w.Dims[0], k = w.Dims[1];
                    var original = new byte[w.Length];
                    Array.Copy(blob, w.Offset, original, 0, w.Length);
                    for (int r = 0; r < n; r++)
                        for (int c = 0; c < k; c++)
                            blob[w.Offset + PackedIndex(r, c, k)] = original[r * k + c];
                }
                return blob;
            }

            /// <summary>Int8Gemv.PackedIndex: blocks of 8 outputs, four k values of one output together ([N/8][K/4][8][4]).</summary>
            private static int PackedIndex(int row, int col, int k) => ((row / 8 * (k / 4) + col / 4) * 8 + row % 8) * 4 + col % 4;

            /// <summary>Whether a (matched) QGemm's weight is packed: Int8Gemv.CanPack's shape, and no other step reads the
            /// tensor in its original order.</summary>
            private static bool Packable(PipelineModel m, StepModel step)
            {
                int wi = step.Inputs[1];
                var w = m.Plan.Tensors[wi];
                int n = w.Dims[0], k = w.Dims[1];
                if (n <= 0 || k <= 0 || n % 8 != 0 || k % 4 != 0 || wi == m.Plan.Output || wi == m.Plan.Input) return false;
                int readers = 0;
                foreach (var other in m.Plan.Steps)
                    foreach (var i in other.Inputs)
                        if (i == wi || (i >= 0 && m.Plan.Tensors[i].Kind == 2 && Overlaps(m.Plan.Tensors[i], w))) readers++;
                return readers == 1;
            }

            private static bool Overlaps(TensorModel a, TensorModel b) => a.Offset < b.Offset + b.Length && b.Offset < a.Offset + a.Length;

            private static string[]? Quantize(PipelineModel m, StepModel step)
            {
                if (!PerTensor(m, step, out var x, out var y, out string scale, out int zeroPoint)) return null;
                if (x.Type != Float32 || y.Type != Int8Type || x.Length != y.Length * 4) return null;
                return new[] { $"{Quantization}QuantizeLinear.Row<sbyte>(F(arena, {x.Offset}, {x.Length}), I8(arena, {y.Offset}, {y.Length}), {scale}, {zeroPoint});" };
            }

            private static string[]? Dequantize(PipelineModel m, StepModel step)
            {
                if (!PerTensor(m, step, out var x, out var y, out string scale, out int zeroPoint)) return null;
                if (x.Type != Int8Type || y.Type != Float32 || y.Length != x.Length * 4) return null;
                return new[] { $"{Quantization}DequantizeLinear.Row<sbyte>(I8(arena, {x.Offset}, {x.Length}), F(arena, {y.Offset}, {y.Length}), {scale}, {zeroPoint});" };
            }

            /// <summary>x and y in the arena, one float scale and one int8 zero point among the weights, and no attribute but
            /// <c>axis</c> (which one scale makes irrelevant).</summary>
            private static bool PerTensor(PipelineModel m, StepModel step, out TensorModel x, out TensorModel y, out string scale, out int zeroPoint)
            {
                x = y = null!;
                scale = "";
                zeroPoint = 0;
                if (step.Inputs.Count != 3 || step.Outputs.Count != 1 || step.Outputs[0] < 0) return false;
                foreach (var i in step.Inputs) if (i < 0) return false;
                foreach (var a in step.Attributes) if (a.Name != "axis") return false;
                var t = m.Plan.Tensors;
                x = t[step.Inputs[0]];
                y = t[step.Outputs[0]];
                var s = t[step.Inputs[1]];
                var z = t[step.Inputs[2]];
                if (x.Kind != 1 || y.Kind != 1 || s.Kind != 2 || s.Type != Float32 || s.Length != 4 || z.Kind != 2 || z.Type != Int8Type || z.Length != 1) return false;
                var weights = m.Plan.Weights;
                var bytes = new[] { weights[s.Offset], weights[s.Offset + 1], weights[s.Offset + 2], weights[s.Offset + 3] };
                if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
                float value = BitConverter.ToSingle(bytes, 0);
                if (float.IsNaN(value) || float.IsInfinity(value)) return false;
                // Nine significant digits always round-trip a float, on every runtime the compiler may run on.
                scale = value.ToString("G9", CultureInfo.InvariantCulture) + "f";
                zeroPoint = unchecked((sbyte)weights[z.Offset]);
                return true;
            }

            private static string Ints(StepModel step, string name)
            {
                foreach (var a in step.Attributes) if (a.Name == name) return a.Value.Replace(",", ", ");
                throw new FormatException($"step '{step.Name}' has no attribute {name}");
            }

            private static int Count(string list)
            {
                if (list.Length == 0) return 0;
                int n = 0;
                foreach (var part in list.Split(','))
                {
                    if (!long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) || v < int.MinValue || v > int.MaxValue) return -1;
                    n++;
                }
                return n;
            }

            private static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
    }
}
