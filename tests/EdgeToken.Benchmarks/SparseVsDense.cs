using BenchmarkDotNet.Attributes;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Linear;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Benchmarks;

/// <summary>One Gemm-heavy layer (x [1, k] · Wᵀ, W [k, k]) at 50 % sparsity: dense int8 against 2:4 sparse int8 with one
/// mask per panel of 8 rows (what the pruner writes by default) and per row (panel 1, which the cost model keeps dense),
/// and the same for float (dense: the runtime's packed Sgemm).</summary>
/// <remarks>Run: dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*SparseVsDense*'</remarks>
[MemoryDiagnoser]
public class SparseVsDense
{
    [Params(128, 256, 512, 1024)]
    public int K;

    private sbyte[] _x = null!, _dense = null!, _values8 = null!, _values1 = null!, _scratch = null!;
    private byte[] _findices = null!, _indices8 = null!, _indices1 = null!, _control8 = null!, _control1 = null!, _fcontrol8 = null!;
    private int[] _y = null!;
    private float[] _fx = null!, _fvalues8 = null!, _fy = null!, _fscratch = null!, _packedA = null!, _packedB = null!, _fdenseKN = null!;
    private int _block;
    private sbyte[] _packed = null!, _out = null!, _tiled8 = null!;
    private int[] _rowSums8 = null!, _bias = null!, _multipliers = null!, _shifts = null!, _acc = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _x = new sbyte[K];
        rng.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_x.AsSpan()));
        _dense = new sbyte[K * K];
        rng.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_dense.AsSpan()));
        _block = NmGather.Int8BlockFor(2, 4);
        (_values8, _indices8, _control8) = Compress(_dense, 8);
        (_values1, _indices1, _control1) = Compress(_dense, 1);
        _y = new int[K];
        _scratch = new sbyte[SparseInt8Gemm.ScratchBytes(K, 2, 4)];

        _tiled8 = NmTiles.Tile<sbyte>(_values8, K, NmSparse.Kept(K, 2, 4));
        _rowSums8 = SparseInt8Gemm.RowSums(_tiled8, K, NmSparse.Kept(K, 2, 4));
        _packed = new sbyte[K * K];
        Int8Gemv.Pack(_dense, _packed, K, K);
        _out = new sbyte[K];
        _bias = new int[K];
        _acc = new int[K];
        _multipliers = Enumerable.Repeat(1 << 30, K).ToArray();
        _shifts = Enumerable.Repeat(-12, K).ToArray();

        _fx = _x.Select(v => v / 64f).ToArray();
        var fdense = _dense.Select(v => v / 127f).ToArray();
        var masked = NmSparse.Decompress<sbyte>(_values8, _indices8, K, K, 2, 4, 8).Select(v => v / 127f).ToArray();
        NmSparse.TryCompress<float>(masked, K, K, 2, 4, 8, out _fvalues8, out _findices);
        _fcontrol8 = NmSparse.GatherControl(_findices, K, K, 2, 4, 8, NmGather.FloatBlock, NmGather.FloatBlock);
        _fy = new float[K];
        _fdenseKN = new float[K * K];
        for (int r = 0; r < K; r++)
            for (int c = 0; c < K; c++) _fdenseKN[c * K + r] = fdense[r * K + c]; // W [K, N]: what a generated class holds for transB = 0
        _fscratch = new float[SparseGemm.ScratchFloats(K, 2, 4)];
        _packedA = new float[Sgemm.PackedASize(1, K)];
        _packedB = new float[Sgemm.PackedBSize(K, K)];
        Sgemm.PackA(_fx, 1, K, K, 1, 1f, _packedA);
        Sgemm.PackB(fdense, K, K, 1, K, 1f, _packedB); // Wᵀ: element (k, n) at n·K + k
        Console.WriteLine($"// K={K}: int8 path {Int8Paths.Best}, gather block {_block}; dense int8 {K * K:N0} B, 2:4 panel 8 {_values8.Length + _indices8.Length:N0} B, per row {_values1.Length + _indices1.Length:N0} B; " +
            $"cost model int8 panel 8: {SparseCostModel.Decide(true, K, K, 2, 4, 8).Reason}; panel 1: {SparseCostModel.Decide(true, K, K, 2, 4, 1).Reason}; float panel 8: {SparseCostModel.Decide(false, K, K, 2, 4, 8).Reason}");
    }

    private (sbyte[] Values, byte[] Indices, byte[] Control) Compress(sbyte[] dense, int panel)
    {
        var w = dense.Select(v => (float)v).ToArray();
        EdgeToken.Compiler.Pruning.MagnitudePruner.PruneNM(w, K, K, 2, 4, panel);
        var pruned = w.Select(v => (sbyte)v).ToArray();
        NmSparse.TryCompress<sbyte>(pruned, K, K, 2, 4, panel, out var values, out var indices);
        return (values, indices, NmSparse.GatherControl(indices, K, K, 2, 4, panel, _block, NmGather.Int8Block));
    }

    [Benchmark(Baseline = true, Description = "int8 dense")]
    public void Int8Dense() => Int8Gemm.Run(_x, _dense, _y, 1, K, K);

    [Benchmark(Description = "int8 2:4 panel 8")]
    public void Int8SparsePanel8() =>
        SparseInt8Gemm.Run(Int8Paths.Best, _x, _values8, _indices8, _control8, _y, 1, K, K, 2, 4, 8, _scratch, _block);

    /// <summary>What a generated class runs for a dense one-row int8 layer: the packed GEMV, requantization included.</summary>
    [Benchmark(Description = "int8 dense packed + requantize (generated class)")]
    public void Int8DensePacked() =>
        Int8Gemv.RunPacked(_x, _packed, _bias, _multipliers, _shifts, 0, -128, 127, _acc, _out);

    /// <summary>The 2:4 product on the tiled values (<see cref="NmTiles"/>), which the compiler writes for panels of 8.</summary>
    [Benchmark(Description = "int8 2:4 panel 8 tiled")]
    public void Int8SparsePanel8Tiled() =>
        SparseInt8Gemm.RunTiled(Int8Paths.Best, _x, _tiled8, _rowSums8, _indices8, _control8, _y, 1, K, K, 2, 4, 8, _scratch, _block);

    /// <summary>What the QSparseGemm kernel runs for panels of 8: the tiled product, then the same requantization as the
    /// generated dense layer.</summary>
    [Benchmark(Description = "int8 2:4 panel 8 tiled + requantize (QSparseGemm)")]
    public void Int8SparsePanel8Requantized()
    {
        SparseInt8Gemm.RunTiled(Int8Paths.Best, _x, _tiled8, _rowSums8, _indices8, _control8, _acc, 1, K, K, 2, 4, 8, _scratch, _block);
        Requantize.Row(_acc, _bias, _multipliers, _shifts, 0, -128, 127, _out);
    }

    [Benchmark(Description = "int8 2:4 per row")]
    public void Int8SparsePerRow() =>
        SparseInt8Gemm.Run(Int8Paths.Best, _x, _values1, _indices1, _control1, _y, 1, K, K, 2, 4, 1, _scratch, _block);

    [Benchmark(Description = "float dense (packed Sgemm)")]
    public void FloatDense() => Sgemm.MultiplyAdd(_packedA, _packedB, 1, K, K, _fy, K);

    /// <summary>What a generated class runs for a dense one-row float layer.</summary>
    [Benchmark(Description = "float dense Gemv (generated class)")]
    public void FloatDenseGemv() => Gemv.RunKN(_fx, _fdenseKN, default, _fy);

    [Benchmark(Description = "float 2:4 panel 8")]
    public void FloatSparsePanel8() =>
        SparseGemm.Run(_fx, _fvalues8, _findices, _fcontrol8, _fy, 1, K, K, 2, 4, 8, _fscratch);
}
