using System.Numerics.Tensors;
using EdgeToken.Runtime.Kernels.Normalization;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Recurrent;

/// <summary>The activation functions the ONNX recurrent operators accept in their <c>activations</c> attribute.</summary>
public enum RecurrentActivationKind : byte
{
    Sigmoid,
    Tanh,
    Relu,
    Affine,
    LeakyRelu,
    ThresholdedRelu,
    ScaledTanh,
    HardSigmoid,
    Elu,
    Softsign,
    Softplus,
}

/// <summary>One gate activation with its alpha and beta.</summary>
public readonly record struct RecurrentActivation(RecurrentActivationKind Kind, float Alpha = 0f, float Beta = 0f)
{
    public static readonly RecurrentActivation Sigmoid = new(RecurrentActivationKind.Sigmoid);
    public static readonly RecurrentActivation Tanh = new(RecurrentActivationKind.Tanh);

    /// <summary>The reference for one value.</summary>
    public float Scalar(float x) => Kind switch
    {
        RecurrentActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        RecurrentActivationKind.Tanh => MathF.Tanh(x),
        RecurrentActivationKind.Relu => MathF.Max(x, 0f),
        RecurrentActivationKind.Affine => Alpha * x + Beta,
        RecurrentActivationKind.LeakyRelu => x >= 0f ? x : Alpha * x,
        RecurrentActivationKind.ThresholdedRelu => x > Alpha ? x : 0f,
        RecurrentActivationKind.ScaledTanh => Alpha * MathF.Tanh(Beta * x),
        RecurrentActivationKind.HardSigmoid => Math.Clamp(Alpha * x + Beta, 0f, 1f),
        RecurrentActivationKind.Elu => x >= 0f ? x : Alpha * (MathF.Exp(x) - 1f),
        RecurrentActivationKind.Softsign => x / (1f + MathF.Abs(x)),
        // log(1 + e^x) without overflowing e^x for large x.
        RecurrentActivationKind.Softplus => x > 0f ? x + MathF.Log(1f + MathF.Exp(-x)) : MathF.Log(1f + MathF.Exp(x)),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    /// <summary>Applies the activation in place, with vector loops for the common ones.</summary>
    public void Apply(Span<float> x)
    {
        if (x.IsEmpty) return; // TensorPrimitives rejects empty spans in some operations
        switch (Kind)
        {
            case RecurrentActivationKind.Sigmoid:
                TensorPrimitives.Sigmoid(x, x);
                return;
            case RecurrentActivationKind.Tanh:
                TensorPrimitives.Tanh(x, x);
                return;
            case RecurrentActivationKind.Relu:
                TensorPrimitives.Max(x, 0f, x);
                return;
            case RecurrentActivationKind.Affine:
                ScaleShift.Run(x, Alpha, Beta, x);
                return;
            case RecurrentActivationKind.ScaledTanh:
                TensorPrimitives.Multiply(x, Beta, x);
                TensorPrimitives.Tanh(x, x);
                TensorPrimitives.Multiply(x, Alpha, x);
                return;
            case RecurrentActivationKind.HardSigmoid:
                ScaleShift.Run(x, Alpha, Beta, x);
                TensorPrimitives.Clamp(x, 0f, 1f, x);
                return;
            default:
                for (int i = 0; i < x.Length; i++) x[i] = Scalar(x[i]);
                return;
        }
    }

    /// <summary>Reads the <c>activations</c>, <c>activation_alpha</c> and <c>activation_beta</c> attributes:
    /// as many functions per direction as <paramref name="defaults"/> has (which are used when absent). Alphas and
    /// betas are consumed in order by the functions that take them; the rest get the ONNX defaults.</summary>
    public static RecurrentActivation[] Parse(NodeContext node, RecurrentActivation[] defaults, int directions)
    {
        int perDirection = defaults.Length;
        var names = node.Attributes.GetStrings("activations");
        var result = new RecurrentActivation[perDirection * directions];
        if (names is null || names.Length == 0)
        {
            for (int d = 0; d < directions; d++) defaults.CopyTo(result, d * perDirection);
            return result;
        }
        if (names.Length != perDirection && names.Length != result.Length)
            throw new ShapeException($"{node.OpType} '{node.NodeName}': {names.Length} activations given, expected {result.Length} ({perDirection} per direction)");
        var alphas = node.Attributes.GetFloats("activation_alpha") ?? [];
        var betas = node.Attributes.GetFloats("activation_beta") ?? [];
        int nextAlpha = 0, nextBeta = 0;
        for (int i = 0; i < result.Length; i++)
        {
            if (i >= names.Length)
            {
                // One direction's list given for both directions.
                result[i] = result[i - names.Length];
                continue;
            }
            var (kind, alpha, beta, usesAlpha, usesBeta) = Lookup(node, names[i]);
            if (usesAlpha && nextAlpha < alphas.Length) alpha = alphas[nextAlpha++];
            if (usesBeta && nextBeta < betas.Length) beta = betas[nextBeta++];
            result[i] = new RecurrentActivation(kind, alpha, beta);
        }
        return result;
    }

    private static (RecurrentActivationKind, float, float, bool, bool) Lookup(NodeContext node, string name) => name.ToLowerInvariant() switch
    {
        "sigmoid" => (RecurrentActivationKind.Sigmoid, 0f, 0f, false, false),
        "tanh" => (RecurrentActivationKind.Tanh, 0f, 0f, false, false),
        "relu" => (RecurrentActivationKind.Relu, 0f, 0f, false, false),
        "affine" => (RecurrentActivationKind.Affine, 1f, 0f, true, true),
        "leakyrelu" => (RecurrentActivationKind.LeakyRelu, 0.01f, 0f, true, false),
        "thresholdedrelu" => (RecurrentActivationKind.ThresholdedRelu, 1f, 0f, true, false),
        "scaledtanh" => (RecurrentActivationKind.ScaledTanh, 1f, 1f, true, true),
        "hardsigmoid" => (RecurrentActivationKind.HardSigmoid, 0.2f, 0.5f, true, true),
        "elu" => (RecurrentActivationKind.Elu, 1f, 0f, true, false),
        "softsign" => (RecurrentActivationKind.Softsign, 0f, 0f, false, false),
        "softplus" => (RecurrentActivationKind.Softplus, 0f, 0f, false, false),
        _ => throw new UnsupportedOperatorException($"{node.OpType} '{node.NodeName}': activation '{name}'"),
    };
}
