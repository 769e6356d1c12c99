using System.Numerics;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Clip: y = min(max(x, lo), hi) for every numeric type (float32 and int8 are the ones ONNX tests).
/// When lo &gt; hi every element becomes hi, as the spec says; NaN stays NaN.</summary>
/// <remarks>Bounds are attributes up to opset 10 (defaulting to float's lowest and largest values, so ±inf
/// is clipped there) and optional scalar inputs from opset 11 (a missing one is no bound). Input bounds are
/// read when the kernel runs: they are one scalar each, and ONNX lets them be computed.</remarks>
public static class Clip
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar<T>(ReadOnlySpan<T> x, Span<T> y, T lo, T hi) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i] < lo ? lo : x[i];
            y[i] = v > hi ? hi : v;
        }
    }

    public static void Run<T>(ReadOnlySpan<T> x, Span<T> y, T lo, T hi) where T : unmanaged, INumber<T> =>
        UnaryDriver.Run(x, y, new ClipOp<T>(lo, hi));
}

/// <remarks>Compare-and-select rather than Vector.Max/Min: it keeps NaN and the lo &gt; hi rule identical in
/// the scalar and vector forms whatever the platform's min/max instructions do with NaN.</remarks>
internal readonly struct ClipOp<T>(T lo, T hi) : IUnaryOp<T> where T : unmanaged, INumber<T>
{
    public static bool Vectorizable => true;

    public T Invoke(T x)
    {
        T v = x < lo ? lo : x;
        return v > hi ? hi : v;
    }

    public Vector128<T> Invoke(Vector128<T> x)
    {
        Vector128<T> l = Vector128.Create(lo), h = Vector128.Create(hi);
        var v = Vector128.ConditionalSelect(Vector128.LessThan(x, l), l, x);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(v, h), h, v);
    }

    public Vector256<T> Invoke(Vector256<T> x)
    {
        Vector256<T> l = Vector256.Create(lo), h = Vector256.Create(hi);
        var v = Vector256.ConditionalSelect(Vector256.LessThan(x, l), l, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(v, h), h, v);
    }

    public Vector512<T> Invoke(Vector512<T> x)
    {
        Vector512<T> l = Vector512.Create(lo), h = Vector512.Create(hi);
        var v = Vector512.ConditionalSelect(Vector512.LessThan(x, l), l, x);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(v, h), h, v);
    }
}

internal sealed class ClipOperator : OperatorDefinition
{
    private static readonly ElementType[] s_types =
    [
        ElementType.Float32, ElementType.Float64, ElementType.Float16,
        ElementType.Int8, ElementType.Int16, ElementType.Int32, ElementType.Int64,
        ElementType.UInt8, ElementType.UInt16, ElementType.UInt32, ElementType.UInt64,
    ];

    public override string OpType => "Clip";

    public override void InferOutputs(NodeContext node)
    {
        var type = node.Opset < 11 ? node.ExpectType(0, ElementType.Float32) : node.ExpectType(0, s_types);
        for (int i = 1; i <= 2 && node.Opset >= 11; i++)
        {
            if (!node.HasInput(i)) continue;
            var bound = node.Input(i);
            if (bound.Type != type || bound.ElementCount != 1)
                throw new ShapeException($"Clip '{node.NodeName}': {(i == 1 ? "min" : "max")} must be one {type.OnnxName()} value, got {bound}");
        }
        node.SetOutput(0, type, node.Input(0).Dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node)
    {
        if (node.Opset < 11)
            return new ClipKernel<float>(node.Attributes.GetFloat("min", float.MinValue), node.Attributes.GetFloat("max", float.MaxValue));
        return node.Input(0).Type switch
        {
            ElementType.Float32 => Unbounded<float>(),
            ElementType.Float64 => Unbounded<double>(),
            ElementType.Float16 => Unbounded<Half>(),
            ElementType.Int8 => Unbounded<sbyte>(),
            ElementType.Int16 => Unbounded<short>(),
            ElementType.Int32 => Unbounded<int>(),
            ElementType.Int64 => Unbounded<long>(),
            ElementType.UInt8 => Unbounded<byte>(),
            ElementType.UInt16 => Unbounded<ushort>(),
            ElementType.UInt32 => Unbounded<uint>(),
            _ => Unbounded<ulong>(),
        };
    }

    /// <summary>A kernel whose missing bounds clip nothing: −∞/+∞ for floats, the type's range for integers.</summary>
    private static Kernel Unbounded<T>() where T : unmanaged, INumber<T> =>
        new ClipKernel<T>(T.CreateSaturating(double.NegativeInfinity), T.CreateSaturating(double.PositiveInfinity));

    /// <summary>Bounds from inputs 1 and 2 when present, else the defaults given here.</summary>
    private sealed class ClipKernel<T>(T defaultLo, T defaultHi) : Kernel where T : unmanaged, INumber<T>
    {
        public override void Run(in KernelArgs args)
        {
            T lo = args.HasInput(1) ? args.Input<T>(1)[0] : defaultLo;
            T hi = args.HasInput(2) ? args.Input<T>(2)[0] : defaultHi;
            Clip.Run(args.Input<T>(0), args.Output<T>(0), lo, hi);
        }
    }
}
