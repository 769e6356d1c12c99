using System.Numerics;
using System.Runtime.InteropServices;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Pooling;

/// <summary>MaxPool, 1-D to 3-D, over float32, float64, int8 and uint8: the largest input inside each window,
/// padding never counted. The optional Indices output holds each maximum's flat position in X (batch and
/// channel included), row-major or, with storage_order = 1, with the spatial dimensions column-major.
/// A dilated window that misses the input entirely yields the type's lowest value, as onnxruntime does.</summary>
public static class MaxPool
{
    internal static void Run<T>(PoolGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<long> indices, bool columnMajor)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        int inD = g.In[0], inH = g.In[1], inW = g.In[2];
        int planes = g.Batch * g.Channels, inPlane = g.InSpatial, outPlane = g.OutSpatial;
        bool withIndices = !indices.IsEmpty;
        for (int pl = 0; pl < planes; pl++)
        {
            var xp = x.Slice(pl * inPlane, inPlane);
            int yi = pl * outPlane;
            for (int od = 0; od < g.Out[0]; od++)
            {
                int sd = od * g.Stride[0] - g.PadBegin[0];
                PoolGeometry.Taps(sd, g.Dilation[0], g.Kernel[0], 0, inD, out int d0, out int d1);
                for (int oh = 0; oh < g.Out[1]; oh++)
                {
                    int sh = oh * g.Stride[1] - g.PadBegin[1];
                    PoolGeometry.Taps(sh, g.Dilation[1], g.Kernel[1], 0, inH, out int h0, out int h1);
                    for (int ow = 0; ow < g.Out[2]; ow++, yi++)
                    {
                        int sw = ow * g.Stride[2] - g.PadBegin[2];
                        PoolGeometry.Taps(sw, g.Dilation[2], g.Kernel[2], 0, inW, out int w0, out int w1);
                        T best = T.MinValue;
                        int bestAt = -1;
                        for (int kd = d0; kd < d1; kd++)
                        {
                            int id = sd + kd * g.Dilation[0];
                            for (int kh = h0; kh < h1; kh++)
                            {
                                int rowStart = (id * inH + sh + kh * g.Dilation[1]) * inW;
                                for (int kw = w0; kw < w1; kw++)
                                {
                                    int at = rowStart + sw + kw * g.Dilation[2];
                                    T v = xp[at];
                                    if (bestAt < 0 || v > best) { best = v; bestAt = at; }
                                }
                            }
                        }
                        y[yi] = best;
                        if (withIndices) indices[yi] = (long)pl * inPlane + (bestAt < 0 ? 0 : Index(bestAt, inD, inH, inW, columnMajor));
                    }
                }
            }
        }
    }

    private static long Index(int rowMajor, int inD, int inH, int inW, bool columnMajor)
    {
        if (!columnMajor) return rowMajor;
        int w = rowMajor % inW, h = rowMajor / inW % inH, d = rowMajor / (inW * inH);
        return ((long)w * inH + h) * inD + d;
    }
}

internal sealed class MaxPoolOperator : OperatorDefinition
{
    public override string OpType => "MaxPool";

    public override void InferOutputs(NodeContext node)
    {
        var t = node.ExpectType(0, ElementType.Float32, ElementType.Float64, ElementType.Int8, ElementType.UInt8);
        var dims = PoolGeometry.From(node).OutputDims();
        node.SetOutput(0, t, dims);
        if (node.OutputCount > 1) node.SetOutput(1, ElementType.Int64, dims);
    }

    public override Kernel CreateKernel(NodeContext node)
    {
        var g = PoolGeometry.From(node);
        bool columnMajor = node.Attributes.GetInt("storage_order", 0) != 0;
        return new MaxPoolKernel(g, node.Input(0).Type, columnMajor);
    }

    private sealed class MaxPoolKernel(PoolGeometry g, ElementType type, bool columnMajor) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            Span<long> indices = args.HasOutput(1) ? args.Output<long>(1) : default;
            switch (type)
            {
                case ElementType.Float32 when indices.IsEmpty && MaxPoolRows.Fits(g): MaxPoolRows.Run(g, args.Input<float>(0), args.Output<float>(0)); break;
                case ElementType.Float32: MaxPool.Run(g, args.Input<float>(0), args.Output<float>(0), indices, columnMajor); break;
                case ElementType.Float64: MaxPool.Run(g, args.Input<double>(0), args.Output<double>(0), indices, columnMajor); break;
                case ElementType.Int8 when indices.IsEmpty && MaxPoolRows.Fits(g): MaxPoolRowsInt8.Run(g, args.Input<sbyte>(0), args.Output<sbyte>(0)); break;
                case ElementType.Int8: MaxPool.Run(g, args.Input<sbyte>(0), args.Output<sbyte>(0), indices, columnMajor); break;
                default: MaxPool.Run(g, MemoryMarshal.Cast<byte, byte>(args.InputBytes(0)), args.OutputBytes(0), indices, columnMajor); break;
            }
        }
    }
}
