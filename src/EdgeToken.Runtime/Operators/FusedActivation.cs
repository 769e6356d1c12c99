using System.Numerics.Tensors;

namespace EdgeToken.Runtime.Operators;

/// <summary>An activation fused into the producing Conv, ConvTranspose, Gemm or MatMul by the compiler's fusion pass,
/// carried as node attributes (<see cref="AttributeName"/>, <see cref="AlphaName"/>, <see cref="BetaName"/>)
/// and applied by the producing kernel to its output while it is still in cache.</summary>
public readonly struct FusedActivation
{
    public const string AttributeName = "edgetoken.activation";
    public const string AlphaName = "edgetoken.activation_alpha";
    public const string BetaName = "edgetoken.activation_beta";

    /// <summary>Operators the fusion pass may fold into a producer.</summary>
    public static readonly string[] Fusable = ["Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh"];

    public FusedActivation(string kind, float alpha, float beta)
    {
        Kind = kind;
        Alpha = alpha;
        Beta = beta;
    }

    public string Kind { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public bool IsNone => string.IsNullOrEmpty(Kind);

    public static FusedActivation From(NodeAttributes attributes)
    {
        string kind = attributes.GetString(AttributeName, "");
        if (kind.Length > 0 && Array.IndexOf(Fusable, kind) < 0)
            throw new UnsupportedOperatorException($"fused activation '{kind}' is not one EdgeToken fuses");
        return new FusedActivation(kind, attributes.GetFloat(AlphaName, 0f), attributes.GetFloat(BetaName, 0f));
    }

    /// <summary>Applies the activation in place.</summary>
    public void Apply(Span<float> values)
    {
        switch (Kind)
        {
            case "":
                return;
            case "Relu":
                TensorPrimitives.Max(values, 0f, values);
                return;
            case "Clip":
                TensorPrimitives.Clamp(values, Alpha, Beta, values);
                return;
            case "Sigmoid":
                Kernels.Activations.Sigmoid.Run(values, values);
                return;
            case "Tanh":
                TensorPrimitives.Tanh(values, values);
                return;
            case "LeakyRelu":
                Kernels.Activations.LeakyRelu.Run(values, values, Alpha);
                return;
            case "HardSigmoid":
                Kernels.Activations.HardSigmoid.Run(values, values, Alpha, Beta);
                return;
            case "HardSwish":
                Kernels.Activations.HardSwish.Run(values, values);
                return;
            default:
                throw new UnsupportedOperatorException($"fused activation '{Kind}'");
        }
    }
}
