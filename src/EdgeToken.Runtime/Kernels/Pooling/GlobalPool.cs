using System.Numerics.Tensors;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>GlobalAveragePool and GlobalMaxPool, float32: one mean or maximum per (batch, channel) plane,
/// output [N, C, 1, ...].</summary>
internal sealed class GlobalPoolOperator(string opType, bool max) : OperatorDefinition
{
    public override string OpType => opType;

    public override void InferOutputs(NodeContext node) => InferPooled(node, OpType, ElementType.Float32);

    /// <summary>A global pool's shape rule, for every element type: X [N, C, spatial...] of <paramref name="type"/> gives
    /// [N, C, 1, ...] of the same type.</summary>
    internal static void InferPooled(NodeContext node, string opType, ElementType type)
    {
        node.ExpectType(0, type);
        var x = node.Input(0).Dims;
        if (x.Length < 3) throw new ShapeException($"{opType} '{node.NodeName}': X must be [N, C, spatial...], got {Shape.Format(x)}");
        var dims = new int[x.Length];
        Array.Fill(dims, 1);
        dims[0] = x[0];
        dims[1] = x[1];
        node.SetOutput(0, type, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var x = node.Input(0).Dims;
        return new GlobalPoolKernel(x[0] * x[1], (int)(Shape.ElementCount(x) / Math.Max(1, x[0] * x[1])), max);
    }

    private sealed class GlobalPoolKernel(int planes, int plane, bool max) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            var x = args.Input<float>(0);
            var y = args.Output<float>(0);
            for (int p = 0; p < planes; p++)
            {
                var xs = x.Slice(p * plane, plane);
                y[p] = max ? TensorPrimitives.Max(xs) : TensorPrimitives.Sum(xs) / plane;
            }
        }
    }
}
