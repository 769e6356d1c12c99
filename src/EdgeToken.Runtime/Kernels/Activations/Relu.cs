using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Activations;

/// <summary>Relu: y = max(x, 0), float32.</summary>
public static class Relu
{
    /// <summary>The reference every vector path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0f ? x[i] : 0f;
    }

    /// <summary>Widest vectors the machine has, then the scalar tail.</summary>
    public static void Run(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("output shorter than input");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.Max(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512<float>.Zero).StoreUnsafe(ref ys, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.Max(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256<float>.Zero).StoreUnsafe(ref ys, (nuint)i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.Max(Vector128.LoadUnsafe(ref xs, (nuint)i), Vector128<float>.Zero).StoreUnsafe(ref ys, (nuint)i);
        for (; i < x.Length; i++)
        {
            float v = Unsafe.Add(ref xs, i);
            Unsafe.Add(ref ys, i) = v > 0f ? v : 0f;
        }
    }
}

internal sealed class ReluOperator : OperatorDefinition
{
    public override string OpType => "Relu";

    public override void InferOutputs(NodeContext node)
    {
        var t = node.ExpectType(0, ElementType.Float32);
        node.SetOutput(0, t, node.Input(0).Dims);
    }

    public override int InPlaceInput(NodeContext node) => 0;

    public override Kernel CreateKernel(NodeContext node) => new ReluKernel();

    private sealed class ReluKernel : Kernel
    {
        public override void Run(in KernelArgs args) => Relu.Run(args.Input<float>(0), args.Output<float>(0));
    }
}
