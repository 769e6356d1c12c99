using BenchmarkDotNet.Attributes;
using EdgeToken.Compiler.Pruning;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Benchmarks;

/// <summary>One convolution at 50 % sparsity (2:4, masks shared by the pruner's conv panel of 12 output channels), dense
/// against sparse on the same pruned weights, float (the runtime's Conv kernel vs <c>EdgeToken.SparseConv</c>, bias and a
/// fused Relu included) and int8 (<see cref="Int8ConvWeights"/> dense vs <see cref="Int8ConvWeights.FromSparse"/>,
/// requantization included; the weights pruned over (channel pair, tap) units as for a model that will be quantized).
/// The layers: cnn1d's three (<c>BenchmarkModels.Cnn1D</c>: 3→16 over 256 samples, its depth of 15 padded to 16 and its
/// 10 pair units to 12; 16→32 over 128; 32→32 over 64; kernel 5, pad 2), a pointwise 1x1 64→64 over 16x16 and a 3x3 32→32 over 16x16 with pad 1 (rows of 16 outputs: the int8 kernels
/// take four rows per block); and three shaped like openWakeWord's embedding model (a model nobody here wrote: 3x1 and 1x3
/// kernels, 24 to 96 channels, outputs from 72x32 down to 4x12).</summary>
/// <remarks>Run: dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*SparseConvVsDense*'</remarks>
[MemoryDiagnoser]
public class SparseConvVsDense
{
    [Params("cnn1d-1", "cnn1d-2", "cnn1d-3", "pointwise", "3x3", "oww-2", "oww-8", "oww-12")]
    public string Layer = "cnn1d-2";

    private NodeKernel _floatDense = null!, _floatSparse = null!;
    private Int8ConvWeights _int8Dense = null!, _int8Sparse = null!, _int7Dense = null!, _int7Sparse = null!;
    private sbyte[] _x = null!, _y = null!;
    private byte[] _scratch = null!;
    private int[] _bias = null!;
    private FixedPointMultiplier[] _scales = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (xDims, wDims, pads) = Layer switch
        {
            "cnn1d-1" => (new[] { 1, 3, 256 }, new[] { 16, 3, 5 }, new[] { 2, 2 }),
            "cnn1d-2" => (new[] { 1, 16, 128 }, new[] { 32, 16, 5 }, new[] { 2, 2 }),
            "cnn1d-3" => (new[] { 1, 32, 64 }, new[] { 32, 32, 5 }, new[] { 2, 2 }),
            "pointwise" => (new[] { 1, 64, 16, 16 }, new[] { 64, 64, 1, 1 }, new[] { 0, 0, 0, 0 }),
            "oww-2" => (new[] { 1, 24, 74, 32 }, new[] { 24, 24, 3, 1 }, new[] { 0, 0, 0, 0 }),
            "oww-8" => (new[] { 1, 72, 16, 17 }, new[] { 72, 72, 1, 3 }, new[] { 0, 0, 0, 0 }),
            "oww-12" => (new[] { 1, 96, 4, 14 }, new[] { 96, 96, 1, 3 }, new[] { 0, 0, 0, 0 }),
            _ => (new[] { 1, 32, 16, 16 }, new[] { 32, 32, 3, 3 }, new[] { 1, 1, 1, 1 }),
        };
        int rows = wDims[0], channels = wDims[1], taps = wDims.Skip(2).Aggregate(1, (a, b) => a * b), depth = channels * taps;
        var rng = new Random(5);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();

        // float
        var w = R(rows * depth, 0.3f);
        MagnitudePruner.PruneNM(w, rows, depth, 2, 4, 12);
        SparseConv.TryCompressFloat(w, rows, depth, 2, 4, 12, out var values, out var indices);
        var x = R(xDims.Aggregate(1, (a, b) => a * b), 1f);
        var bias = R(rows, 0.1f);
        var common = NodeAttributes.Empty.With("pads", AttributeValue.Of(pads.Select(p => (long)p).ToArray())).With(FusedActivation.AttributeName, AttributeValue.Of("Relu"));
        _floatDense = new NodeKernel("Conv", common, [F(xDims, x), F(wDims, w), F([rows], bias)]);
        _floatSparse = new NodeKernel(SparseConv.Float, common.With(SparseConv.WeightShape, AttributeValue.Of(wDims.Select(d => (long)d).ToArray()))
                .With("nm_n", AttributeValue.Of(2L)).With("nm_m", AttributeValue.Of(4L)).With("panel", AttributeValue.Of(12L)),
            [F(xDims, x), F([rows, values.Length / rows], values), ConstantTensor.FromArray(ElementType.UInt8, [NmSparse.Panels(rows, 12), NmSparse.IndexBytesPerPanel(values.Length / rows)], indices), F([rows], bias)]);

        // int8
        var g = xDims.Length == 3
            ? Int8ConvGeometry.Create(channels, 1, xDims[2], rows, 1, taps, 1, (1, 1), (1, 1), (0, pads[0], 0, pads[1]))
            : Int8ConvGeometry.Create(channels, xDims[2], xDims[3], rows, wDims[2], wDims[3], 1, (1, 1), (1, 1), (pads[0], pads[1], pads[2], pads[3]));
        var wq = R(rows * depth, 1f);
        MagnitudePruner.PruneNMUnits(wq, rows, depth, SparseConv.PairTapColumns(channels, taps), 2, 2, 4, 12);
        var w8 = wq.Select(v => (sbyte)Math.Round(v * 127)).ToArray();
        SparseConv.TryCompressInt8(w8, rows, channels, taps, 2, 4, 12, out var v8, out var i8);
        _int8Dense = new Int8ConvWeights(g, w8, Int8Paths.Best);
        _int8Sparse = Int8ConvWeights.FromSparse(g, v8, i8, 2, 4, 12, Int8Paths.Best);
        // 7-bit weights: the dense kernel takes its u8 path (four channels per vpmaddubsw), the sparse one stays on pairs.
        var w7 = w8.Select(v => (sbyte)(v / 2)).ToArray();
        SparseConv.TryCompressInt8(w7, rows, channels, taps, 2, 4, 12, out var v7, out var i7);
        _int7Dense = new Int8ConvWeights(g, w7, Int8Paths.Best);
        _int7Sparse = Int8ConvWeights.FromSparse(g, v7, i7, 2, 4, 12, Int8Paths.Best);
        _x = x.Select(v => (sbyte)Math.Round(v * 100)).ToArray();
        _y = new sbyte[rows * g.OutPixels];
        _scratch = new byte[g.ScratchBytes];
        _bias = new int[rows];
        _scales = Enumerable.Range(0, rows).Select(_ => FixedPointMultiplier.FromReal(0.0005)).ToArray();
        Console.WriteLine($"// {Layer}: int8 path {_int8Dense.Path} (dense u8: {_int8Dense.U8S8}, sparse: {_int8Sparse.Sparse}; 7-bit dense u8: {_int7Dense.U8S8}); " +
            $"float {SparseCostModel.DecideConv(false, channels, taps, 2, 4).Reason}; int8 {SparseCostModel.DecideConv(true, channels, taps, 2, 4, _int8Dense.U8S8).Reason}");
    }

    private static ConstantTensor F(int[] dims, float[] values) => ConstantTensor.FromArray(ElementType.Float32, dims, values);

    [Benchmark(Baseline = true, Description = "float dense conv")]
    public void FloatDense() => _floatDense.Run();

    [Benchmark(Description = "float 2:4 sparse conv")]
    public void FloatSparse() => _floatSparse.Run();

    [Benchmark(Description = "int8 dense conv")]
    public void Int8Dense() => _int8Dense.Run(_x, _bias, _scales, 0, 0, -128, 127, _y, _scratch);

    [Benchmark(Description = "int8 2:4 sparse conv")]
    public void Int8Sparse() => _int8Sparse.Run(_x, _bias, _scales, 0, 0, -128, 127, _y, _scratch);

    [Benchmark(Description = "int8 dense conv, 7-bit weights (u8)")]
    public void Int7Dense() => _int7Dense.Run(_x, _bias, _scales, 0, 0, -128, 127, _y, _scratch);

    [Benchmark(Description = "int8 2:4 sparse conv, 7-bit weights")]
    public void Int7Sparse() => _int7Sparse.Run(_x, _bias, _scales, 0, 0, -128, 127, _y, _scratch);

    /// <summary>One node's kernel over an arena holding its inputs, as a plan runs it.</summary>
    private sealed class NodeKernel
    {
        private readonly Kernel _kernel;
        private readonly byte[] _arena, _scratch;
        private readonly SlotRef[] _inputs, _outputs;

        public NodeKernel(string opType, NodeAttributes attributes, ConstantTensor[] inputs)
        {
            if (!OperatorRegistry.TryGet(opType, out var op)) throw new InvalidOperationException(opType);
            var node = new NodeContext("bench", opType, 17, attributes, inputs.Select(t => new TensorInfo(t.Type, t.Dims)).ToArray(), inputs, 1);
            op.InferOutputs(node);
            _kernel = op.CreateKernel(node);
            _inputs = new SlotRef[inputs.Length];
            int offset = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                _inputs[i] = new SlotRef(SlotKind.Arena, offset, inputs[i].Bytes.Length);
                offset = (offset + inputs[i].Bytes.Length + 63) & ~63;
            }
            int outBytes = checked((int)node.Output(0).ByteCount);
            _outputs = [new SlotRef(SlotKind.Arena, offset, outBytes)];
            _arena = new byte[offset + outBytes];
            for (int i = 0; i < inputs.Length; i++) inputs[i].Bytes.Span.CopyTo(_arena.AsSpan(_inputs[i].Offset));
            _scratch = new byte[_kernel.ScratchBytes];
        }

        public void Run() => _kernel.Run(new KernelArgs(_arena, ReadOnlySpan<byte>.Empty, _inputs, _outputs, _scratch));
    }
}
