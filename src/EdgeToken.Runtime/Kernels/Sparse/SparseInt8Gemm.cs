using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>int8 GEMM on N:M weights (<see cref="NmSparse"/>): <c>y[i, r] = Σ_j x[i, column(j)] · values[r, j]</c>, the
/// zeros never touched. The same exact int32 sums as <see cref="Int8Gemm"/> on the dense matrix.</summary>
/// <remarks>Each x row is gathered once per panel (<see cref="NmGather.Int8"/>), then the panel's rows are dense dot
/// products of length k · N / M on any <see cref="Int8Path"/>: at 2:4 half the multiply-adds, plus one shuffle per 16
/// inputs shared by the panel's rows. <see cref="SparseCostModel"/> says when that beats the dense kernel.</remarks>
public static partial class SparseInt8Gemm
{
    /// <summary>The reference: straight from the compressed layout, one product at a time.</summary>
    public static void Scalar(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices, Span<int> y,
        int m, int k, int rows, int n, int mOf, int panel)
    {
        int kept = NmSparse.Kept(k, n, mOf);
        for (int i = 0; i < m; i++)
            for (int r = 0; r < rows; r++)
            {
                int sum = 0;
                for (int j = 0; j < kept; j++)
                    sum += x[i * k + NmSparse.Column(indices, r / panel, j, kept, n, mOf)] * values[r * kept + j];
                y[i * rows + r] = sum;
            }
    }

    /// <summary>Bytes of scratch <see cref="Run"/> and <see cref="RunTiled"/> need: the gathered inputs of one panel, and
    /// for <see cref="RunTiled"/> the same widened to int16.</summary>
    public static int ScratchBytes(int k, int n, int mOf) => GatheredBytes(k, n, mOf) + 2 * NmSparse.Kept(k, n, mOf);

    private static int GatheredBytes(int k, int n, int mOf) => (NmSparse.Kept(k, n, mOf) + NmGather.Slack + 1) & ~1;

    /// <summary>Gather + dense dot products on <paramref name="path"/> (<see cref="Int8Path.Scalar"/> gathers with the
    /// scalar reference too). <paramref name="control"/>: <see cref="NmSparse.GatherControl"/> with block
    /// <paramref name="block"/> and <see cref="NmGather.Int8Block"/> (<paramref name="block"/>: <see cref="NmGather.Int8BlockFor"/>
    /// unless a test picks the other).</summary>
    public static void Run(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> values, ReadOnlySpan<byte> indices,
        ReadOnlySpan<byte> control, Span<int> y, int m, int k, int rows, int n, int mOf, int panel, Span<sbyte> scratch, int block)
    {
        int kept = NmSparse.Kept(k, n, mOf), perPanel = k / NmGather.Int8Block * NmGather.Int8Block;
        if (scratch.Length < GatheredBytes(k, n, mOf)) throw new ArgumentException($"sparse int8 GEMM: scratch of {scratch.Length} bytes, needs {GatheredBytes(k, n, mOf)}");
        for (int i = 0; i < m; i++)
        {
            var xi = x.Slice(i * k, k);
            for (int p = 0, r0 = 0; r0 < rows; p++, r0 += panel)
            {
                int count = Math.Min(panel, rows - r0);
                if (path == Int8Path.Scalar) NmGather.Scalar(xi, indices, p, k, n, mOf, scratch);
                else NmGather.Int8(xi, indices, control.Slice(p * perPanel), p, k, n, mOf, scratch, block);
                Int8Gemm.Run(path, scratch[..kept], values.Slice(r0 * kept, count * kept), y.Slice(i * rows + r0, count), 1, kept, count);
            }
        }
    }
}
