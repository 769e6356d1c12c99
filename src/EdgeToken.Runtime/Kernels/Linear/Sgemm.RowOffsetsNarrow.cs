using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Linear;

public static partial class Sgemm
{
    /// <summary><see cref="MultiplyAddRowOffsets"/>'s tile when it has at most eight columns: one 256-bit vector per row
    /// instead of two, so half the multiply-adds of the full tile, with k unrolled by two into separate sums (twelve
    /// independent chains keep both FMA pipes busy). A convolution whose output rows are eight long takes it for every
    /// tile: openWakeWord's mel spectrogram, two 512-tap convolutions to 257 channels of 8 positions.
    /// <see cref="RowOffsetsReference"/> is its reference as well.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NarrowOffsets256(float* a, float* b, int* rowOffsets, int k, float* c, int ldc, int rows, int cols, float* tile,
        float* rowBias, float floor)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        int p = 0;
        for (; p + 1 < k; p += 2, a += 2 * MR)
        {
            var b0 = Vector256.Load(b + rowOffsets[p]);
            var e0 = Vector256.Load(b + rowOffsets[p + 1]);
            c0 = Fmadd(Vector256.Create(a[0]), b0, c0);
            c1 = Fmadd(Vector256.Create(a[1]), b0, c1);
            c2 = Fmadd(Vector256.Create(a[2]), b0, c2);
            c3 = Fmadd(Vector256.Create(a[3]), b0, c3);
            c4 = Fmadd(Vector256.Create(a[4]), b0, c4);
            c5 = Fmadd(Vector256.Create(a[5]), b0, c5);
            d0 = Fmadd(Vector256.Create(a[MR]), e0, d0);
            d1 = Fmadd(Vector256.Create(a[MR + 1]), e0, d1);
            d2 = Fmadd(Vector256.Create(a[MR + 2]), e0, d2);
            d3 = Fmadd(Vector256.Create(a[MR + 3]), e0, d3);
            d4 = Fmadd(Vector256.Create(a[MR + 4]), e0, d4);
            d5 = Fmadd(Vector256.Create(a[MR + 5]), e0, d5);
        }
        if (p < k)
        {
            var b0 = Vector256.Load(b + rowOffsets[p]);
            c0 = Fmadd(Vector256.Create(a[0]), b0, c0);
            c1 = Fmadd(Vector256.Create(a[1]), b0, c1);
            c2 = Fmadd(Vector256.Create(a[2]), b0, c2);
            c3 = Fmadd(Vector256.Create(a[3]), b0, c3);
            c4 = Fmadd(Vector256.Create(a[4]), b0, c4);
            c5 = Fmadd(Vector256.Create(a[5]), b0, c5);
        }
        (c0 + d0).Store(tile); (c1 + d1).Store(tile + NR); (c2 + d2).Store(tile + 2 * NR);
        (c3 + d3).Store(tile + 3 * NR); (c4 + d4).Store(tile + 4 * NR); (c5 + d5).Store(tile + 5 * NR);
        if (rowBias == null) AddTile(tile, c, ldc, rows, cols);
        else StoreTile(tile, NR, c, ldc, rows, cols, rowBias, floor);
    }
}
