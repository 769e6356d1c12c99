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
            Column6(a, Vector256.Load(b + rowOffsets[p]), ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
            Column6(a + MR, Vector256.Load(b + rowOffsets[p + 1]), ref d0, ref d1, ref d2, ref d3, ref d4, ref d5);
        }
        if (p < k) Column6(a, Vector256.Load(b + rowOffsets[p]), ref c0, ref c1, ref c2, ref c3, ref c4, ref c5);
        (c0 + d0).Store(tile); (c1 + d1).Store(tile + NR); (c2 + d2).Store(tile + 2 * NR);
        (c3 + d3).Store(tile + 3 * NR); (c4 + d4).Store(tile + 4 * NR); (c5 + d5).Store(tile + 5 * NR);
        if (rowBias == null) AddTile(tile, c, ldc, rows, cols);
        else StoreTile(tile, NR, c, ldc, rows, cols, rowBias, floor);
    }

    /// <summary>One depth step of the six rows: c_r += a[r] · row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Column6(float* a, Vector256<float> row, ref Vector256<float> c0, ref Vector256<float> c1, ref Vector256<float> c2,
        ref Vector256<float> c3, ref Vector256<float> c4, ref Vector256<float> c5)
    {
        c0 = Fmadd(Vector256.Create(a[0]), row, c0);
        c1 = Fmadd(Vector256.Create(a[1]), row, c1);
        c2 = Fmadd(Vector256.Create(a[2]), row, c2);
        c3 = Fmadd(Vector256.Create(a[3]), row, c3);
        c4 = Fmadd(Vector256.Create(a[4]), row, c4);
        c5 = Fmadd(Vector256.Create(a[5]), row, c5);
    }
}
