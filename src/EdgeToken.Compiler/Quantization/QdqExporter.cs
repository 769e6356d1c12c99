using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Writes a quantized graph as a standard QDQ ONNX model, so ONNX Runtime and NPU execution providers run the same
/// quantized model: every <c>EdgeToken.QGemm</c> (<c>EdgeToken.QConv</c>) becomes <c>DequantizeLinear</c> of its int8 input and
/// int8 weights (per-axis scales on axis 0) and int32 bias, a float <c>Gemm</c> with transB = 1 (a float <c>Conv</c> with the
/// same group, strides, dilations and explicit pads), its fused Relu or Clip, and a
/// <c>QuantizeLinear</c> to the output's int8 parameters; an <c>EdgeToken.QGlobalAveragePool</c> becomes
/// <c>DequantizeLinear → GlobalAveragePool → QuantizeLinear</c>, and every <c>EdgeToken.QLookup</c> DequantizeLinear → the
/// float operators its table was built from → QuantizeLinear, and every <c>EdgeToken.QGru</c> a float <c>GRU</c> on
/// <c>DequantizeLinear</c> of its int8 W and R (per-row scales, ONNX's layout). QuantizeLinear/DequantizeLinear and plain ONNX nodes are copied.</summary>
/// <remarks>The int8 values and scales are exactly the ones EdgeToken runs, so the two differ only in how the float Gemm rounds
/// (ONNX Runtime requantizes through float, rounding halves to even; EdgeToken in fixed point, halves away from zero):
/// within one quantization step.</remarks>
public static class QdqExporter
{
    public const string InputScale = "edgetoken.input_scale";
    public const string InputZeroPoint = "edgetoken.input_zero_point";
    public const string WeightScales = "edgetoken.weight_scales";
    public const string OutputScale = "edgetoken.output_scale";
    public const string OutputZeroPoint = "edgetoken.output_zero_point";

    public static OnnxModelBuilder Export(Graph graph)
    {
        var b = new OnnxModelBuilder(graph.Name, Math.Max(graph.Opset, 13));
        foreach (var input in graph.Inputs) b.Input(input.Name, input.Type, input.Dims!);
        var written = new HashSet<Value>(graph.Inputs);
        string Name(Value v)
        {
            if (written.Add(v) && v.Constant is { } c) b.Initializer(v.Name, c.Type, c.Bytes.ToArray(), c.Dims);
            return v.Name;
        }
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == QGemm.OpType) { WriteLayer(b, node, Name, "Gemm", [("transB", 1L)]); continue; }
            if (node.OpType == QConv.OpType) { WriteLayer(b, node, Name, "Conv", ConvAttributes(node)); continue; }
            if (node.OpType == QGlobalAveragePool.OpType) { WriteAveragePool(b, node, Name); continue; }
            if (node.OpType == QLookup.OpType) { WriteLookup(b, node, Name); continue; }
            if (node.OpType == QGru.OpType) { WriteGru(b, node, Name); continue; }
            if (QMerge.FloatOp(node.OpType) is { } merge) { WriteMerge(b, node, Name, merge); continue; }
            var fused = FusedActivation.From(node.Attributes);
            string[] fusedKeys = [FusedActivation.AttributeName, FusedActivation.AlphaName, FusedActivation.BetaName];
            if (node.Attributes.Values.Keys.Any(k => k.StartsWith("edgetoken.", StringComparison.Ordinal) && Array.IndexOf(fusedKeys, k) < 0))
                throw new CompileException($"{node}: carries EdgeToken-only attributes that have no ONNX form; compile without optimisation to export it");
            var attributes = node.Attributes.Values.Where(kv => Array.IndexOf(fusedKeys, kv.Key) < 0)
                .Select(kv => (kv.Key, ToObject(node, kv.Key, kv.Value))).ToArray();
            string[] outputs = [.. node.Outputs.Select(v => v?.Name ?? "")];
            if (fused.IsNone)
            {
                b.Node(node.OpType, [.. node.Inputs.Select(v => v is null ? "" : Name(v))], outputs, attributes);
                continue;
            }
            // A float layer with a fused activation (one the quantizer left float): the layer, then the activation as
            // the ONNX operator it was fused from.
            string preActivation = outputs[0] + "_before_" + fused.Kind;
            b.Node(node.OpType, [.. node.Inputs.Select(v => v is null ? "" : Name(v))], [preActivation, .. outputs[1..]], attributes);
            WriteActivation(b, fused, preActivation, outputs[0], node.Name);
        }
        foreach (var output in graph.Outputs) b.Output(output.Name, output.Type, output.Dims!);
        return b;
    }

    /// <summary>The activation the fusion pass folded into a layer, written back as its own ONNX node.</summary>
    private static void WriteActivation(OnnxModelBuilder b, FusedActivation fused, string input, string output, string layer)
    {
        switch (fused.Kind)
        {
            case "Clip":
                string min = b.Initializer($"{layer}_clip_min", [fused.Alpha]);
                string max = b.Initializer($"{layer}_clip_max", [fused.Beta]);
                b.Node("Clip", [input, min, max], [output]);
                break;
            case "LeakyRelu":
                b.Node("LeakyRelu", [input], [output], ("alpha", fused.Alpha));
                break;
            case "HardSigmoid":
                b.Node("HardSigmoid", [input], [output], ("alpha", fused.Alpha), ("beta", fused.Beta));
                break;
            default: // Relu, Sigmoid, Tanh, HardSwish: no attributes
                b.Node(fused.Kind, [input], [output]);
                break;
        }
    }

    /// <summary>An int8 GlobalAveragePool as DequantizeLinear of x → the float GlobalAveragePool → QuantizeLinear.</summary>
    /// <summary>An int8 Add, Mul or Concat: DequantizeLinear of every input with its own parameters, the float operator,
    /// QuantizeLinear to the output's.</summary>
    private static void WriteMerge(OnnxModelBuilder b, Node node, Func<Value, string> name, string floatOp)
    {
        var a = node.Attributes;
        string p = node.Name;
        var scales = a.GetFloats(QMerge.InputScales)!;
        var zeros = a.GetInts(QMerge.InputZeroPoints)!;
        var inputs = node.Inputs.Select((v, i) => b.Node("DequantizeLinear",
            [name(v!), Float(b, $"{p}_x{i}_scale", scales[i]), Int8(b, $"{p}_x{i}_zero_point", (int)zeros[i])], [$"{p}_x{i}_float"])).ToArray();
        string y = floatOp == "Concat"
            ? b.Node(floatOp, inputs, [$"{p}_y_float"], ("axis", a.GetInt("axis", 0)))
            : b.Node(floatOp, inputs, [$"{p}_y_float"]);
        b.Node("QuantizeLinear", [y, Float(b, $"{p}_y_scale", a.GetFloat(QMerge.OutputScale, 1f)), Int8(b, $"{p}_y_zero_point", (int)a.GetInt(QMerge.OutputZeroPoint, 0))],
            [node.Outputs[0]!.Name]);
    }

    private static void WriteAveragePool(OnnxModelBuilder b, Node node, Func<Value, string> name)
    {
        var a = node.Attributes;
        string p = node.Name;
        string xf = b.Node("DequantizeLinear", [name(node.Inputs[0]!), Float(b, $"{p}_x_scale", a.GetFloat(InputScale, 1f)),
            Int8(b, $"{p}_x_zero_point", (int)a.GetInt("input_zero_point", 0))], [$"{p}_x_float"]);
        string y = b.Node("GlobalAveragePool", [xf], [$"{p}_y_float"]);
        b.Node("QuantizeLinear", [y, Float(b, $"{p}_y_scale", a.GetFloat(OutputScale, 1f)), Int8(b, $"{p}_y_zero_point", (int)a.GetInt("output_zero_point", 0))],
            [node.Outputs[0]!.Name]);
    }

    private static (string, object)[] ConvAttributes(Node node) =>
    [
        ("group", node.Attributes.GetInt("group", 1)),
        ("strides", node.Attributes.GetInts("strides")!),
        ("dilations", node.Attributes.GetInts("dilations")!),
        ("pads", node.Attributes.GetInts("pads")!),
    ];

    /// <summary>One int8 layer as DequantizeLinear of x, w and bias → the float operator → Relu/Clip → QuantizeLinear.</summary>
    private static void WriteLayer(OnnxModelBuilder b, Node node, Func<Value, string> name, string floatOp, (string, object)[] floatAttributes)
    {
        var a = node.Attributes;
        var x = node.Inputs[0]!;
        var w = node.Inputs[1]!.Constant!;
        int n = w.Dims[0], k = (int)(w.ElementCount / n);
        float sx = a.GetFloat(InputScale, 1f);
        int zx = (int)a.GetInt(InputZeroPoint, 0);
        float[] ws = a.GetFloats(WeightScales) ?? throw new CompileException($"{node}: no weight scales to export");
        float sy = a.GetFloat(OutputScale, 1f);
        int zy = (int)a.GetInt("output_zero_point", 0);
        string p = node.Name;

        // The kernel's bias has -zx·Σw folded in; the QDQ graph wants the plain bias in units of sx·ws[n].
        var wq = w.AsSpan<sbyte>();
        var folded = node.Inputs[2]!.Constant!.AsSpan<int>();
        var bias = new int[n];
        for (int r = 0; r < n; r++)
        {
            int sum = 0;
            foreach (var v in wq.Slice(r * k, k)) sum += v;
            bias[r] = folded[r] + zx * sum;
        }
        var biasScales = new float[ws.Length];
        for (int i = 0; i < ws.Length; i++) biasScales[i] = sx * ws[i];
        bool perAxis = ws.Length > 1;

        string xf = b.Node("DequantizeLinear", [name(x), Float(b, $"{p}_x_scale", sx), Int8(b, $"{p}_x_zero_point", zx)], [$"{p}_x_float"]);
        string wInt8 = b.Initializer($"{p}_w_int8", ElementType.Int8, w.Bytes.ToArray(), w.Dims);
        string wf = b.Node("DequantizeLinear", [wInt8, Floats(b, $"{p}_w_scale", ws), Int8s(b, $"{p}_w_zero_point", ws.Length)], [$"{p}_w_float"],
            perAxis ? [("axis", 0L)] : []);
        string biasInt = b.Initializer($"{p}_bias_int32", ElementType.Int32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()).ToArray(), n);
        string bf = b.Node("DequantizeLinear", [biasInt, Floats(b, $"{p}_bias_scale", biasScales), Int32s(b, $"{p}_bias_zero_point", ws.Length)], [$"{p}_bias_float"],
            perAxis ? [("axis", 0L)] : []);
        string y = b.Node(floatOp, [xf, wf, bf], [$"{p}_y_float"], floatAttributes);
        switch (a.GetString(FusedActivation.AttributeName, ""))
        {
            case "Relu":
                y = b.Node("Relu", [y], [$"{p}_y_relu"]);
                break;
            case "Clip":
                y = b.Node("Clip", [y, Float(b, $"{p}_clip_min", a.GetFloat(FusedActivation.AlphaName, float.MinValue)),
                    Float(b, $"{p}_clip_max", a.GetFloat(FusedActivation.BetaName, float.MaxValue))], [$"{p}_y_clip"]);
                break;
        }
        b.Node("QuantizeLinear", [y, Float(b, $"{p}_y_scale", sy), Int8(b, $"{p}_y_zero_point", zy)], [node.Outputs[0]!.Name]);
    }

    /// <summary>A table as DequantizeLinear → the float operators it was built from → QuantizeLinear.</summary>
    private static void WriteLookup(OnnxModelBuilder b, Node node, Func<Value, string> name)
    {
        var a = node.Attributes;
        string p = node.Name;
        string v = b.Node("DequantizeLinear", [name(node.Inputs[0]!), Float(b, $"{p}_x_scale", a.GetFloat(InputScale, 1f)),
            Int8(b, $"{p}_x_zero_point", (int)a.GetInt(InputZeroPoint, 0))], [$"{p}_x_float"]);
        var steps = Quantizer.LookupSteps(node);
        for (int i = 0; i < steps.Length; i++)
        {
            string output = $"{p}_{i}_{steps[i].Op}";
            steps[i].Write(b, v, output, $"{p}_{i}");
            v = output;
        }
        b.Node("QuantizeLinear", [v, Float(b, $"{p}_y_scale", a.GetFloat(OutputScale, 1f)), Int8(b, $"{p}_y_zero_point", (int)a.GetInt(OutputZeroPoint, 0))],
            [node.Outputs[0]!.Name]);
    }

    /// <summary>An int8 GRU as the float GRU on its dequantized weights: W and R unpacked to ONNX's rows ([dirs·3·hidden, k],
    /// gates z, r, h), DequantizeLinear per row (axis 0), reshaped to [dirs, 3·hidden, k]. ONNX Runtime then runs the very
    /// weights EdgeToken does, with float activations where EdgeToken quantizes them per step.</summary>
    private static void WriteGru(OnnxModelBuilder b, Node node, Func<Value, string> name)
    {
        var a = node.Attributes;
        string p = node.Name;
        int hidden = (int)a.GetInt("hidden_size", 0);
        string Weight(int input, int scaleInput, string what)
        {
            var packed = node.Inputs[input]!.Constant!;
            var scales = node.Inputs[scaleInput]!.Constant!.AsSpan<float>().ToArray();
            int dirs = packed.Dims[0], k = what == "w" ? node.Inputs[0]!.Dims![2] : hidden, bytes = Int8GruCell.PackedBytes(hidden, k);
            var rows = new sbyte[dirs * 3 * hidden * k];
            for (int d = 0; d < dirs; d++)
                Int8GruCell.Unpack(packed.AsSpan<sbyte>().Slice(d * bytes, bytes), hidden, k, rows.AsSpan(d * 3 * hidden * k, 3 * hidden * k));
            string q = b.Initializer($"{p}_{what}_int8", ElementType.Int8, System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.AsSpan()).ToArray(), dirs * 3 * hidden, k);
            string f = b.Node("DequantizeLinear", [q, Floats(b, $"{p}_{what}_scale", scales), Int8s(b, $"{p}_{what}_zero_point", scales.Length)], [$"{p}_{what}_rows"],
                scales.Length > 1 ? [("axis", 0L)] : []);
            return b.Node("Reshape", [f, b.Initializer($"{p}_{what}_shape", new long[] { dirs, 3 * hidden, k }, 3)], [$"{p}_{what}_float"]);
        }
        string w = Weight(1, QGru.WScaleInput, "w");
        string r = Weight(2, QGru.RScaleInput, "r");
        string Optional(int i) => node.Input(i) is { } v ? name(v) : "";
        var attributes = new List<(string, object)>
        {
            ("hidden_size", (long)hidden),
            ("direction", a.GetString("direction", "forward")),
            ("linear_before_reset", a.GetInt("linear_before_reset", 0)),
        };
        if (a.GetInt("layout", 0) != 0) attributes.Add(("layout", a.GetInt("layout", 0)));
        if (a.Has("clip")) attributes.Add(("clip", a.GetFloat("clip", float.PositiveInfinity)));
        b.Node("GRU", [name(node.Inputs[0]!), w, r, Optional(3), "", Optional(5)], [.. node.Outputs.Select(v => v?.Name ?? "")], [.. attributes]);
    }

    private static string Float(OnnxModelBuilder b, string name, float v) => b.Initializer(name, [v]);
    private static string Floats(OnnxModelBuilder b, string name, float[] v) => v.Length == 1 ? b.Initializer(name, v) : b.Initializer(name, v, v.Length);
    private static string Int8(OnnxModelBuilder b, string name, int v) => b.Initializer(name, ElementType.Int8, [(byte)(sbyte)v]);
    private static string Int8s(OnnxModelBuilder b, string name, int count) =>
        count == 1 ? b.Initializer(name, ElementType.Int8, [0]) : b.Initializer(name, ElementType.Int8, new byte[count], count);
    private static string Int32s(OnnxModelBuilder b, string name, int count) =>
        count == 1 ? b.Initializer(name, ElementType.Int32, new byte[4]) : b.Initializer(name, ElementType.Int32, new byte[4 * count], count);

    private static object ToObject(Node node, string key, AttributeValue v) => v.Kind switch
    {
        AttributeKind.Int => v.Int,
        AttributeKind.Float => v.Float,
        AttributeKind.String => v.String,
        AttributeKind.Ints => v.Ints,
        AttributeKind.Floats => v.Floats,
        AttributeKind.Strings => v.Strings,
        _ => throw new CompileException($"{node}: attribute '{key}' of kind {v.Kind} cannot be exported"),
    };
}
