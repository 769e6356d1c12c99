using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Passes;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Quantization;

/// <summary>One float element-wise operator that an <c>EdgeToken.QLookup</c> table can absorb: a unary activation
/// (Relu, LeakyRelu, Clip with constant bounds, Sigmoid, Tanh, HardSigmoid, HardSwish, Elu, Gelu) or a binary Max, Min,
/// Add, Sub, Mul or Div with one scalar constant operand. <see cref="Alpha"/> and <see cref="Beta"/> hold the operator's
/// parameters (Clip's bounds; the binary operator's constant in Alpha; Gelu's tanh approximation as Alpha = 1);
/// <see cref="ConstantFirst"/> says the constant is the binary operator's first operand (c - x rather than x - c).</summary>
internal sealed record LookupStep(string Op, float Alpha, float Beta, bool ConstantFirst)
{
    private static readonly string[] Binary = ["Max", "Min", "Add", "Sub", "Mul", "Div"];

    /// <summary>The step <paramref name="node"/> is, and its float variable input, or false when it is none: float in
    /// and out, one output of the input's shape, and every other input a constant.</summary>
    public static bool TryParse(Node? node, int opset, out LookupStep step, out Value source)
    {
        step = null!;
        source = null!;
        if (node is null || node.Outputs.Count(o => o is not null) != 1 || node.Output(0) is not { Type: ElementType.Float32, Dims: { } dims }) return false;
        var a = node.Attributes;
        if (Array.IndexOf(Binary, node.OpType) >= 0)
        {
            if (node.Inputs.Count != 2 || node.Input(0) is not { } x0 || node.Input(1) is not { } x1) return false;
            bool first = x0.IsConstant && !x1.IsConstant;
            var (variable, constant) = first ? (x1, x0) : (x0, x1);
            if (variable.IsConstant || GraphRewrites.ScalarFloat(constant) is not { } c) return false;
            step = new LookupStep(node.OpType, c, 0, first);
            source = variable;
        }
        else
        {
            if (node.Input(0) is not { } x) return false;
            for (int i = 1; i < node.Inputs.Count; i++) if (node.Inputs[i] is { IsConstant: false }) return false;
            LookupStep? parsed = node.OpType switch
            {
                "Relu" or "Sigmoid" or "Tanh" or "HardSwish" => new(node.OpType, 0, 0, false),
                "LeakyRelu" => new("LeakyRelu", a.GetFloat("alpha", 0.01f), 0, false),
                "Elu" => new("Elu", a.GetFloat("alpha", 1f), 0, false),
                "HardSigmoid" => new("HardSigmoid", a.GetFloat("alpha", 0.2f), a.GetFloat("beta", 0.5f), false),
                "Gelu" => a.GetString("approximate", "none") switch { "none" => new("Gelu", 0, 0, false), "tanh" => new("Gelu", 1, 0, false), _ => null },
                "Clip" => Clip(node, opset),
                _ => null,
            };
            if (parsed is null) return false;
            step = parsed;
            source = x;
        }
        return source.Type == ElementType.Float32 && source.Dims is { } inDims && inDims.AsSpan().SequenceEqual(dims);
    }

    private static LookupStep? Clip(Node node, int opset)
    {
        if (opset < 11) return new("Clip", node.Attributes.GetFloat("min", float.MinValue), node.Attributes.GetFloat("max", float.MaxValue), false);
        float min = float.MinValue, max = float.MaxValue;
        if (node.Input(1) is { } lo) { if (GraphRewrites.ScalarFloat(lo) is not { } m) return null; min = m; }
        if (node.Input(2) is { } hi) { if (GraphRewrites.ScalarFloat(hi) is not { } m) return null; max = m; }
        return new("Clip", min, max, false);
    }

    /// <summary>The operator on one value, in double, as the ONNX specification defines it.</summary>
    public double Apply(double x) => Op switch
    {
        "Relu" => Math.Max(x, 0),
        "LeakyRelu" => x < 0 ? Alpha * x : x,
        "Elu" => x < 0 ? Alpha * (Math.Exp(x) - 1) : x,
        "Clip" => Math.Min(Math.Max(x, Alpha), Beta),
        "Sigmoid" => Int8Lookup.Functions.Sigmoid(x),
        "Tanh" => Math.Tanh(x),
        "HardSigmoid" => Math.Max(0, Math.Min(1, Alpha * x + Beta)),
        "HardSwish" => Int8Lookup.Functions.HardSwish(x),
        "Gelu" => Alpha == 0 ? Int8Lookup.Functions.Gelu(x) : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        "Max" => Math.Max(x, Alpha),
        "Min" => Math.Min(x, Alpha),
        "Add" => x + Alpha,
        "Sub" => ConstantFirst ? Alpha - x : x - Alpha,
        "Mul" => x * Alpha,
        "Div" => ConstantFirst ? Alpha / x : x / Alpha,
        _ => throw new InvalidOperationException($"no lookup step '{Op}'"),
    };

    /// <summary>The step as the ONNX node it came from, reading <paramref name="input"/> and writing <paramref name="output"/>.</summary>
    public void Write(OnnxModelBuilder b, string input, string output, string prefix)
    {
        switch (Op)
        {
            case "Relu" or "Sigmoid" or "Tanh" or "HardSwish":
                b.Node(Op, [input], [output]);
                break;
            case "LeakyRelu" or "Elu":
                b.Node(Op, [input], [output], ("alpha", Alpha));
                break;
            case "HardSigmoid":
                b.Node(Op, [input], [output], ("alpha", Alpha), ("beta", Beta));
                break;
            case "Gelu":
                b.Node(Op, [input], [output], ("approximate", Alpha == 0 ? "none" : "tanh"));
                break;
            case "Clip":
                b.Node(Op, [input, b.Initializer($"{prefix}_min", [Alpha]), b.Initializer($"{prefix}_max", [Beta])], [output]);
                break;
            default:
                string c = b.Initializer($"{prefix}_constant", [Alpha]);
                b.Node(Op, ConstantFirst ? [c, input] : [input, c], [output]);
                break;
        }
    }
}
