using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The row-pair path with stride 2 along W (the downsampling depthwise layer of a MobileNet-style block).</summary>
/// <remarks>Sixteen outputs of stride 2 start at sixteen even columns out of thirty-two, so the step takes the sums of
/// the thirty-two stride-1 positions (two vpmaddwd per kernel column and row pair, the same loads as stride 1) and
/// keeps the even lanes of the two (one vpermt2d) before requantizing once in the register. Half the products are
/// thrown away, but requantizing, not multiplying, is most of a depthwise layer's cost, and the loads stay contiguous
/// with no column de-interleaving of the input. Before, stride 2 along W took <see cref="Int8DepthwiseConv.SumsScalar"/>.</remarks>
public static partial class Int8DepthwiseConv
{
    /// <summary>One channel, stride 2 along W, any kernel, stride along H and dilation: y[oh, ow] from the row pairs
    /// with <see cref="PairWeights"/>'s table. The row pairs are <see cref="Int8ConvGeometry.RowPairsW"/> wide, which
    /// with stride 2 covers the reads of every step (<see cref="Int8ConvGeometry.PlaneW"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ChannelRowPairsStride2Avx512(Int8ConvGeometry g, ReadOnlySpan<int> pairs, ReadOnlySpan<int> table,
        in Requantize.Channel512 requantize, Span<sbyte> y)
    {
        if (g.StrideW != 2) throw new ArgumentException("the stride-2 row-pair step needs stride 2 along W");
        if (y.Length < g.OutPixels || pairs.Length < g.RowPairRows * g.RowPairsW) throw new ArgumentException("depthwise int8 convolution: row pairs or output too short");
        int rw = g.RowPairsW, outW = g.OutW, kW = g.KernelW, pairRows = g.PairRowsPerOutput, dW = g.DilationW, last = g.OutPixels;
        ref int p = ref MemoryMarshal.GetReference(pairs);
        ref sbyte ys = ref MemoryMarshal.GetReference(y);
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        for (int oh = 0; oh < g.OutH; oh++)
        {
            var (first, parity) = FirstPair(g, oh);
            var weights = table.Slice(parity * pairRows * kW, pairRows * kW);
            int row = oh * outW;
            for (int ow = 0; ow < outW; ow += 16)
            {
                Vector512<int> low = Vector512<int>.Zero, high = Vector512<int>.Zero;
                for (int j = 0; j < pairRows; j++)
                {
                    nuint at = (nuint)((first + j) * rw + 2 * ow);
                    for (int kw = 0; kw < kW; kw++)
                    {
                        var k = Vector512.Create(weights[j * kW + kw]).AsInt16();
                        nuint column = at + (nuint)(kw * dW);
                        low += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, column).AsInt16(), k);
                        high += Avx512BW.MultiplyAddAdjacent(Vector512.LoadUnsafe(ref p, column + 16).AsInt16(), k);
                    }
                }
                var bytes = requantize.Apply(Avx512F.PermuteVar16x32x2(low, even, high));
                if (row + ow + 16 <= last) bytes.StoreUnsafe(ref ys, (nuint)(row + ow));
                else StoreTail(bytes, y[(row + ow)..last]);
            }
        }
    }
}
