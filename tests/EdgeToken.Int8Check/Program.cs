using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Sparse;
using EdgeToken.Runtime.Tensors;

// Compares every int8 path this process can run with the scalar reference, prints one line
//   best=<path> supported=<path,...> checked=<count> mismatches=<count>
// and exits 1 on any mismatch. Sizes cover every vector width and tail (k = 0..200).
var supported = Int8Paths.Supported().ToList();
var rng = new Random(7);
int checkedCount = 0, mismatches = 0, dotRows = 0, sparseDotRows = 0, dotFused = 0, avx2Fused = 0, u8Split = 0;
foreach (int m in new[] { 1, 3 })
    foreach (int n in new[] { 1, 5 })
        for (int k = 0; k <= 200; k++)
        {
            var x = new sbyte[m * k];
            var w = new sbyte[n * k];
            for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
            for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-128, 128);
            // The extremes, where a saturating instruction would show itself.
            if (k > 0 && (k & 1) == 0) { Array.Fill(x, (sbyte)-128, 0, k); Array.Fill(w, (sbyte)-128, 0, k); }
            var expected = new int[m * n];
            Int8Gemm.Scalar(x, w, expected, m, k, n);
            foreach (var path in supported)
            {
                var actual = new int[m * n];
                Int8Gemm.Run(path, x, w, actual, m, k, n);
                checkedCount++;
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    mismatches++;
                    Console.Error.WriteLine($"mismatch: path {path}, m={m} k={k} n={n}");
                }
            }
        }
// The packed one-row GEMV the generated classes call (Int8Gemv.RunPacked) on every path, and the vector requantization,
// against the QGemm definition: the scalar product, then Requantize.RowScalar.
foreach (int n in new[] { 8, 16, 24, 40, 64 })
    foreach (int k in new[] { 4, 8, 12, 16, 32, 60, 64, 128, 260 })
    {
        var x = new sbyte[k];
        var w = new sbyte[n * k];
        for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-127, 128);
        var bias = new int[n];
        var multipliers = new int[n];
        var shifts = new int[n];
        for (int i = 0; i < n; i++)
        {
            bias[i] = rng.Next(-50_000, 50_000);
            // For k a multiple of 8 every channel's scale within [2^-10, 2^-9): one shift for the row, which takes the
            // AVX-512 requantization's in-place step; otherwise shifts that differ.
            var f = FixedPointMultiplier.FromReal(k % 8 == 0 ? 0.001 + rng.NextDouble() * 0.0009 : 0.0002 + rng.NextDouble() * 0.005);
            (multipliers[i], shifts[i]) = (f.Multiplier, f.Shift);
        }
        var acc = new int[n];
        var expected = new sbyte[n];
        Int8Gemm.Scalar(x, w, acc, 1, k, n);
        Requantize.RowScalar(acc, bias, multipliers, shifts, 3, -128, 127, expected);
        var vector = new sbyte[n];
        Requantize.Row(acc, bias, multipliers, shifts, 3, -128, 127, vector);
        checkedCount++;
        if (!expected.AsSpan().SequenceEqual(vector))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: requantize n={n}");
        }
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        foreach (var path in supported)
        {
            var actual = new sbyte[n];
            Int8Gemv.RunPacked(path, x, packed, bias, multipliers, shifts, 3, -128, 127, new int[n], actual);
            checkedCount++;
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                mismatches++;
                Console.Error.WriteLine($"mismatch: packed GEMV path {path}, k={k} n={n}");
            }
        }
    }
// The packed GEMV's u8 x s8 kernels (vpmaddubsw), which run when the weights' pairs fit U8S8Pairs: 7-bit weights at the
// bound (±64) against x at its extremes, row sums given, on every path.
foreach (int n in new[] { 8, 24, 40 })
    foreach (int k in new[] { 4, 12, 64, 260 })
    {
        var x = new sbyte[k];
        var w = new sbyte[n * k];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) switch { 0 => 127, 1 => -128, _ => (sbyte)rng.Next(-128, 128) };
        for (int i = 0; i < w.Length; i++) w[i] = rng.Next(3) switch { 0 => 64, 1 => -64, _ => (sbyte)rng.Next(-64, 65) };
        var expected = new int[n];
        Int8Gemm.Scalar(x, w, expected, 1, k, n);
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        var sums = new int[n];
        Int8Gemv.PackedRowSums(packed, sums, n, k);
        foreach (var path in supported)
        {
            var actual = new int[n];
            Int8Gemv.RunPacked(path, x, packed, sums, [], [1 << 30], [0], 0, -128, 127, actual, new sbyte[n]);
            checkedCount++;
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                mismatches++;
                Console.Error.WriteLine($"mismatch: packed u8 GEMV path {path}, k={k} n={n}");
            }
        }
    }
// The convolution QConv runs (Int8ConvWeights: the shifted-rows kernel on AVX2 and AVX-512BW, the GEMM elsewhere) on every
// path, against the definition: padding, strides, dilation, 1-D and 2-D, pointwise, odd channel counts.
Int8ConvGeometry[] convs =
[
    Int8ConvGeometry.Create(3, 1, 70, 9, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)),
    Int8ConvGeometry.Create(16, 1, 64, 32, 1, 5, 1, (1, 2), (1, 2), (0, 3, 0, 1)),
    Int8ConvGeometry.Create(1, 17, 15, 6, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1)),
    Int8ConvGeometry.Create(5, 9, 20, 7, 3, 2, 1, (1, 1), (2, 1), (2, 0, 1, 1)),
    Int8ConvGeometry.Create(33, 6, 6, 18, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    // Narrow padded rows (openWakeWord's 1x3 layers): the rows end to end, a plane copy per kernel column; and a 3x5
    // dilated one padded on both sides unevenly. Narrow unpadded rows: all in one merged run.
    Int8ConvGeometry.Create(10, 8, 2, 12, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1)),
    Int8ConvGeometry.Create(7, 9, 6, 9, 3, 5, 1, (1, 1), (1, 2), (2, 3, 0, 5)),
    Int8ConvGeometry.Create(10, 8, 4, 12, 1, 3, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    // The benchmark CNNs' layers (ARM64: the sdot shifted-rows kernel), one strided 2-D.
    Int8ConvGeometry.Create(16, 1, 128, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)),
    Int8ConvGeometry.Create(32, 1, 64, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)),
    Int8ConvGeometry.Create(16, 16, 16, 32, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    Int8ConvGeometry.Create(8, 15, 13, 12, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1)),
    // Depthwise (Int8DepthwiseConv): row pairs from the input (width 16, 32), through the plane (width 20), a tail, dilation, 5x5.
    Int8ConvGeometry.Create(16, 16, 16, 16, 3, 3, 16, (1, 1), (1, 1), (1, 1, 1, 1)),
    Int8ConvGeometry.Create(5, 6, 32, 5, 3, 3, 5, (1, 1), (1, 1), (0, 0, 0, 0)),
    Int8ConvGeometry.Create(6, 12, 20, 6, 3, 3, 6, (2, 1), (1, 1), (1, 0, 0, 1)),
    Int8ConvGeometry.Create(5, 9, 16, 5, 3, 3, 5, (1, 1), (2, 2), (2, 2, 2, 2)),
    Int8ConvGeometry.Create(5, 7, 48, 5, 5, 5, 5, (1, 1), (1, 1), (2, 2, 2, 2)),
    Int8ConvGeometry.Create(5, 13, 17, 5, 3, 3, 5, (2, 2), (1, 1), (1, 1, 1, 1)),
];
// Each three times: uniform 8-bit weights, 7-bit ones at the bound (the shifted-rows kernel's u8 x s8 form where quads
// pay), and 8-bit ones as a trained layer's look (mostly small, one in 32 large), which that form takes split into a
// fitting part and remainders (Int8ShiftedRowsConv.U8Split.cs).
foreach (var (g, level) in convs.SelectMany(g => new[] { (g, 127), (g, 64), (g, 0) }))
{
    var x = new sbyte[g.Channels * g.Height * g.Width];
    var w = new sbyte[g.OutChannels * g.PatchSize];
    for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
    for (int i = 0; i < w.Length; i++)
        w[i] = level switch
        {
            64 => rng.Next(3) == 0 ? (sbyte)(rng.Next(2) == 0 ? 64 : -64) : (sbyte)rng.Next(-64, 65),
            0 => rng.Next(32) == 0 ? (sbyte)(rng.Next(3) == 0 ? -128 : rng.Next(-127, 128)) : (sbyte)rng.Next(-40, 41),
            _ => (sbyte)rng.Next(-level, level + 1),
        };
    var bias = new int[g.OutChannels];
    var scales = new FixedPointMultiplier[g.OutChannels];
    for (int i = 0; i < bias.Length; i++)
    {
        bias[i] = rng.Next(-20_000, 20_000);
        scales[i] = FixedPointMultiplier.FromReal(i % 5 == 4 ? 1.5 : 0.0005 + rng.NextDouble() * 0.003);
    }
    int zx = rng.Next(-30, 30), zy = rng.Next(-10, 10);
    var expected = new sbyte[g.OutChannels * g.OutPixels];
    Int8Conv.Reference(g, x, w, bias, scales, zx, zy, -128, 127, expected);
    var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
    foreach (var path in supported)
    {
        var prepared = new Int8ConvWeights(g, w, path);
        var actual = new sbyte[expected.Length];
        prepared.Run(x, folded, scales, zx, zy, -128, 127, actual, new byte[g.ScratchBytes]);
        checkedCount++;
        if (prepared.ShiftedRows && prepared.Path == Int8Path.AdvSimdDot) dotRows++;
        if (prepared.U8S8 && prepared.Description.Contains("split", StringComparison.Ordinal)) u8Split++;
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: convolution path {path} ({prepared.Description}), C={g.Channels} M={g.OutChannels} {g.Height}x{g.Width}");
        }
    }
}
// The tiled N:M sparse GEMM a pruned int8 layer runs (SparseInt8Gemm.RunTiled) on every path, against the dense
// product of the same weights with their zeros: 1:4, 2:4 and 3:4, panels of 8 and 16, rows not a multiple of 8.
foreach (int n in new[] { 1, 2, 3 })
    foreach (var (panel, rows) in new[] { (8, 8), (8, 13), (16, 21) })
        for (int k = 0; k <= 260; k += 4)
        {
            const int mOf = 4, batch = 2;
            var dense = new sbyte[rows * k];
            for (int r0 = 0; r0 < rows; r0 += panel)
                for (int g = 0; g < k / mOf; g++)
                {
                    var keep = Enumerable.Range(0, mOf).OrderBy(_ => rng.Next()).Take(n).ToArray();
                    for (int r = r0; r < Math.Min(rows, r0 + panel); r++)
                        foreach (int c in keep) dense[r * k + g * mOf + c] = (sbyte)rng.Next(-127, 128);
                }
            var x = new sbyte[batch * k];
            for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
            if (!NmSparse.TryCompress<sbyte>(dense, rows, k, n, mOf, panel, out var values, out var indices))
            {
                mismatches++;
                Console.Error.WriteLine($"mismatch: {n}:{mOf} weights k={k} did not compress");
                continue;
            }
            int kept = NmSparse.Kept(k, n, mOf);
            var tiled = NmTiles.Tile<sbyte>(values, rows, kept);
            var expected = new int[batch * rows];
            Int8Gemm.Scalar(x, dense, expected, batch, k, rows);
            int block = NmGather.Int8BlockFor(n, mOf);
            var control = NmSparse.GatherControl(indices, rows, k, n, mOf, panel, block, NmGather.Int8Block);
            var sums = SparseInt8Gemm.RowSums(tiled, rows, kept);
            foreach (var path in supported)
            {
                var actual = new int[batch * rows];
                SparseInt8Gemm.RunTiled(path, x, tiled, sums, indices, control, actual, batch, k, rows, n, mOf, panel,
                    new sbyte[SparseInt8Gemm.ScratchBytes(k, n, mOf)], block);
                checkedCount++;
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    mismatches++;
                    Console.Error.WriteLine($"mismatch: sparse tiled path {path}, {n}:{mOf} k={k} panel {panel} rows {rows}");
                }
            }
        }
// DequantizeLinear's vector rows (AVX-512F, AVX2, Vector128, whichever this process takes) against its scalar definition.
for (int n = 0; n <= 100; n++)
{
    var u = new byte[n];
    rng.NextBytes(u);
    var s = u.Select(b => (sbyte)b).ToArray();
    var (yu, ys) = (new float[n], new float[n]);
    EdgeToken.Runtime.Kernels.Quantization.DequantizeLinear.Row<byte>(u, yu, 0.37f, 131);
    EdgeToken.Runtime.Kernels.Quantization.DequantizeLinear.Row<sbyte>(s, ys, 0.0123f, -7);
    checkedCount++;
    for (int i = 0; i < n; i++)
        if (yu[i] != EdgeToken.Runtime.Kernels.Quantization.DequantizeLinear.Scalar(u[i], 0.37f, 131)
            || ys[i] != EdgeToken.Runtime.Kernels.Quantization.DequantizeLinear.Scalar(s[i], 0.0123f, -7))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: DequantizeLinear row of {n}, element {i}");
            break;
        }
}
// The table lookup (EdgeToken.QLookup) on the path this process chooses (AVX-512 VBMI, AVX2 or ARM64's tbl), in place
// too, against the scalar reference at every length up to 200.
{
    var table = new sbyte[256];
    for (int i = 0; i < table.Length; i++) table[i] = (sbyte)rng.Next(-128, 128);
    for (int n = 0; n <= 200; n++)
    {
        var x = new sbyte[n];
        for (int i = 0; i < n; i++) x[i] = (sbyte)rng.Next(-128, 128);
        var expected = new sbyte[n];
        Int8Lookup.RunScalar(table, x, expected);
        var actual = new sbyte[n];
        Int8Lookup.Run(table, x, actual);
        Int8Lookup.Run(table, x, x);
        checkedCount++;
        if (!expected.AsSpan().SequenceEqual(actual) || !expected.AsSpan().SequenceEqual(x))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: lookup n={n} (VBMI {Int8Lookup.Avx512VbmiIsSupported})");
        }
    }
}
// Where branches meet (EdgeToken.QAdd, QMul, QConcat): Int8Rescale's Vector<T> loop (256-bit on x64, 128-bit on ARM64;
// scalar when no vector hardware) against the per-element reference, at every length up to 100.
{
    var add = new Int8Add(0.05, 3, 0.02, -7, 0.06, 1);
    var mul = new Int8Mul(0.05, 3, 0.02, -7, 0.01, -2, min: -100, max: 90);
    for (int n = 0; n <= 100; n++)
    {
        var a = new sbyte[n];
        var b = new sbyte[n];
        for (int i = 0; i < n; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
        var concat = new Int8Concat(2, [n / 2, n - n / 2], [0.03f, 0.05f], [-4, 9], 0.05f, 9);
        var expected = new sbyte[n];
        var actual = new sbyte[n];
        add.RunScalar(a, b, expected);
        add.Run(a, b, actual);
        bool same = expected.AsSpan().SequenceEqual(actual);
        mul.RunScalar(a, b, expected);
        mul.Run(a, b, actual);
        same &= expected.AsSpan().SequenceEqual(actual);
        var joined = new sbyte[2 * n];
        var aa = new sbyte[2 * (n / 2)];
        var bb = new sbyte[2 * (n - n / 2)];
        a.AsSpan(0, n / 2).CopyTo(aa); a.AsSpan(0, n / 2).CopyTo(aa.AsSpan(n / 2));
        b.AsSpan(0, n - n / 2).CopyTo(bb); b.AsSpan(0, n - n / 2).CopyTo(bb.AsSpan(n - n / 2));
        concat.Run(0, aa, joined);
        concat.Run(1, bb, joined);
        for (int r = 0; r < 2; r++)
        {
            for (int i = 0; i < n / 2; i++) same &= joined[r * n + i] == concat.One(0, aa[r * (n / 2) + i]);
            for (int i = 0; i < n - n / 2; i++) same &= joined[r * n + n / 2 + i] == bb[r * (n - n / 2) + i];
        }
        checkedCount += 3;
        if (!same)
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: int8 add/mul/concat n={n} (vector {Int8Rescale.IsAccelerated}, {Int8Rescale.Step} codes a step)");
        }
    }
}
// N:M-pruned convolutions (2:4 and 1:4, masks shared by 12 output channels): the int8 one on every path (the sparse
// shifted-rows kernel on AVX-512BW, AVX2 and ARM64's dot product, the dense kernels on the decompressed weights elsewhere) against the
// definition on the same weights, and the float one (the SGEMM micro-kernel at this process's vector width) against the
// dense Conv on the same weights.
foreach (var (g, n) in new[]
{
    (Int8ConvGeometry.Create(16, 1, 128, 32, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)), 2),
    (Int8ConvGeometry.Create(3, 1, 256, 16, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2)), 2), // 10 units, depth 15: padded
    (Int8ConvGeometry.Create(7, 1, 41, 13, 1, 4, 1, (1, 2), (1, 1), (0, 1, 0, 2)), 1),
    (Int8ConvGeometry.Create(5, 9, 7, 14, 3, 4, 1, (1, 1), (1, 1), (1, 1, 2, 1)), 2),
    (Int8ConvGeometry.Create(8, 12, 13, 12, 3, 3, 1, (2, 2), (1, 1), (1, 1, 1, 1)), 2),
    (Int8ConvGeometry.Create(32, 8, 8, 48, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)), 2),
    (Int8ConvGeometry.Create(24, 10, 4, 16, 1, 3, 1, (1, 1), (1, 1), (0, 1, 0, 1)), 2), // wrapped rows
})
{
    int taps = g.KernelH * g.KernelW, rows = g.OutChannels;
    var w = new sbyte[rows * g.PatchSize];
    for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-127, 128);
    PruneUnits(g, w, n);
    var x = new sbyte[g.Channels * g.Height * g.Width];
    for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
    var bias = Enumerable.Range(0, rows).Select(_ => rng.Next(-5000, 5000)).ToArray();
    var scales = Enumerable.Range(0, rows).Select(_ => FixedPointMultiplier.FromReal(0.001 + rng.NextDouble() * 0.01)).ToArray();
    var expected = new sbyte[rows * g.OutPixels];
    Int8Conv.Reference(g, x, w, bias, scales, 3, -2, -128, 127, expected);
    SparseConv.TryCompressInt8(w, rows, g.Channels, taps, n, 4, 12, out var values, out var indices);
    foreach (var path in supported)
    {
        var actual = new sbyte[expected.Length];
        var prunedWeights = Int8ConvWeights.FromSparse(g, values, indices, n, 4, 12, path);
        prunedWeights.Run(x, Int8Conv.FoldZeroPoint(bias, w, rows, 3), scales, 3, -2, -128, 127, actual, new byte[g.ScratchBytes]);
        checkedCount++;
        if (prunedWeights.Sparse && prunedWeights.Path == Int8Path.AdvSimdDot) sparseDotRows++;
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: sparse int8 conv path {path}, {g.Channels}->{rows} kernel {g.KernelH}x{g.KernelW}, {n}:4");
        }
    }

    // float: the same pattern, float weights
    var fw = Enumerable.Range(0, rows * g.PatchSize).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    for (int r0 = 0; r0 < rows; r0 += 12) // N:M along the depth this time
        for (int c0 = 0; c0 < g.PatchSize; c0 += 4)
            foreach (int c in Enumerable.Range(c0, Math.Min(4, g.PatchSize - c0)).OrderBy(_ => rng.Next()).Skip(n))
                for (int r = r0; r < Math.Min(rows, r0 + 12); r++) fw[r * g.PatchSize + c] = 0;
    var fx = x.Select(v => v / 128f).ToArray();
    SparseConv.TryCompressFloat(fw, rows, g.PatchSize, n, 4, 12, out var fv, out var fi);
    bool oneD = g.KernelH == 1 && g.Height == 1;
    int[] xDims = oneD ? [1, g.Channels, g.Width] : [1, g.Channels, g.Height, g.Width];
    int[] wDims = oneD ? [rows, g.Channels, g.KernelW] : [rows, g.Channels, g.KernelH, g.KernelW];
    long[] strides = oneD ? [g.StrideW] : [g.StrideH, g.StrideW];
    long[] pads = oneD ? [g.PadLeft, g.PadLeft] : [g.PadTop, g.PadLeft, g.PadTop, g.PadLeft];
    var attributes = EdgeToken.Runtime.Operators.NodeAttributes.Empty
        .With("strides", EdgeToken.Runtime.Operators.AttributeValue.Of(strides)).With("pads", EdgeToken.Runtime.Operators.AttributeValue.Of(pads));
    var fb = bias.Select(v => v / 10000f).ToArray();
    ConstantTensor F(int[] d, float[] v) => ConstantTensor.FromArray(ElementType.Float32, d, v);
    var dense = EdgeToken.Runtime.Execution.SingleNodeRunner.Run("Conv", attributes, [F(xDims, fx), F(wDims, fw), F([rows], fb)])[0].AsSpan<float>().ToArray();
    var sparse = EdgeToken.Runtime.Execution.SingleNodeRunner.Run(SparseConv.Float, attributes
            .With(SparseConv.WeightShape, EdgeToken.Runtime.Operators.AttributeValue.Of(wDims.Select(d => (long)d).ToArray()))
            .With("nm_n", EdgeToken.Runtime.Operators.AttributeValue.Of((long)n)).With("nm_m", EdgeToken.Runtime.Operators.AttributeValue.Of(4L))
            .With("panel", EdgeToken.Runtime.Operators.AttributeValue.Of(12L)),
        [F(xDims, fx), F([rows, fv.Length / rows], fv), ConstantTensor.FromArray(ElementType.UInt8, [NmSparse.Panels(rows, 12), NmSparse.IndexBytesPerPanel(fv.Length / rows)], fi), F([rows], fb)])[0]
        .AsSpan<float>().ToArray();
    checkedCount++;
    if (dense.Length != sparse.Length || dense.Where((v, i) => MathF.Abs(v - sparse[i]) > 1e-5f + 1e-5f * MathF.Abs(v)).Any())
    {
        mismatches++;
        Console.Error.WriteLine($"mismatch: sparse float conv (Vector256 {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}), {g.Channels}->{rows} kernel {g.KernelH}x{g.KernelW}, {n}:4");
    }
}
// The int8 GRU (EdgeToken.QGru): its packed products on every path against the plain sums, its dynamic symmetric
// quantization against the scalar one, and whole sequences (hidden not a multiple of 8, input 1..7, both candidate forms,
// reverse, clip) bit-identical on every path and within the gates' float rounding of Int8GruCell.Reference.
foreach (int n in new[] { 8, 24, 48, 96, 104 })
    for (int k = 4; k <= 72; k += 4)
    {
        var x = new sbyte[k];
        var w = new sbyte[n * k];
        for (int i = 0; i < x.Length; i++) x[i] = (sbyte)rng.Next(-128, 128);
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-128, 128);
        var expected = new int[n];
        for (int o = 0; o < n; o++)
            for (int c = 0; c < k; c++) expected[o] += x[c] * w[o * k + c];
        var packed = new sbyte[n * k];
        Int8Gemv.Pack(w, packed, n, k);
        foreach (var path in supported)
        {
            var actual = new int[n];
            Int8Gemv.PackedProducts(path, x, packed, actual);
            checkedCount++;
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                mismatches++;
                Console.Error.WriteLine($"mismatch: packed products path {path}, k={k} n={n}");
            }
        }
    }
for (int n = 0; n <= 80; n++)
{
    var v = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
    var (qs, qv) = (new sbyte[n], new sbyte[n]);
    checkedCount++;
    bool same = Int8SymmetricQuantize.Scalar(v, qs) == Int8SymmetricQuantize.Run(v, qv) && qs.AsSpan().SequenceEqual(qv);
    Int8SymmetricQuantize.ApplyScalar(v, qs, 50f);
    Int8SymmetricQuantize.Apply(v, qv, 50f);
    if (!same || !qs.AsSpan().SequenceEqual(qv))
    {
        mismatches++;
        Console.Error.WriteLine($"mismatch: symmetric quantization of {n}");
    }
}
foreach (int hidden in new[] { 1, 5, 8, 13, 20, 24, 32, 33, 48 })
    foreach (bool linear in new[] { false, true })
        foreach (bool reverse in new[] { false, true })
        {
            int input = 1 + (hidden + (reverse ? 3 : 0)) % 7, steps = 7, gh = 3 * hidden;
            sbyte[] Rows(int k) => Enumerable.Range(0, gh * k).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
            float[] Floats(int count, double lo, double hi) => Enumerable.Range(0, count).Select(_ => (float)(lo + rng.NextDouble() * (hi - lo))).ToArray();
            var (wq, rq) = (new sbyte[EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.PackedBytes(hidden, input)], new sbyte[EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.PackedBytes(hidden, hidden)]);
            EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.Pack(Rows(input), hidden, input, wq);
            EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.Pack(Rows(hidden), hidden, hidden, rq);
            var (ws, rs, bias, rbh) = (Floats(gh, 0.001, 0.005), Floats(gh, 0.0005, 0.004), Floats(gh, -0.3, 0.3), linear ? Floats(hidden, -0.2, 0.2) : []);
            var weights = new EdgeToken.Runtime.Kernels.Recurrent.Int8GruWeights(wq, ws, rq, rs, bias, rbh, input, hidden);
            var xs = Floats(steps * input, -2, 2);
            float clip = hidden % 2 == 0 ? 0.7f : float.PositiveInfinity;
            var h0 = Floats(hidden, -0.9, 0.9);
            var (hr, yr) = ((float[])h0.Clone(), new float[steps * hidden]);
            EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.Reference(weights, xs, input, clip, hr, steps, reverse, yr, hidden);
            float[]? first = null;
            foreach (var path in supported)
            {
                var (h, y) = ((float[])h0.Clone(), new float[steps * hidden]);
                EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.Sequence(path, weights, xs, input, clip, h, steps, reverse, y, hidden,
                    new byte[EdgeToken.Runtime.Kernels.Recurrent.Int8GruCell.ScratchBytes(input, hidden)]);
                first ??= y;
                checkedCount++;
                if (!first.AsSpan().SequenceEqual(y) || y.Zip(yr).Any(p => Math.Abs(p.First - p.Second) > 2e-3f))
                {
                    mismatches++;
                    Console.Error.WriteLine($"mismatch: int8 GRU path {path}, hidden={hidden} input={input} linear={linear} reverse={reverse}");
                }
            }
        }
// The narrow (32-bit) requantization: the plane on this machine's widest vectors against the definition, at every length
// and on exact halves, and convolutions that take it (every path's kernels) against Int8Conv.Reference.
foreach (bool relu in new[] { false, true })
    foreach (int m in new[] { 1, 3, 7, 1001 })
        for (int length = 0; length <= 40; length++)
        {
            int s = 3 + length % 17, zy = relu ? -100 : 3, bias = rng.Next(-1000, 1000);
            var (min, max) = relu ? Int8Clamp.Relu(zy) : (-128, 127);
            int lead = System.Numerics.BitOperations.LeadingZeroCount((uint)m) - 1;
            var scale = new FixedPointMultiplier(m << lead, s + lead - 31);
            long reach = Math.Max(1, (1L << 28) / ((long)m << (s - 1)));
            var acc = Enumerable.Range(0, length).Select(i => (int)((i % 3 == 0 ? (2 * rng.NextInt64(-reach, reach) + 1) << (s - 1) : rng.NextInt64(-reach << s, reach << s)) - bias)).ToArray();
            long low = acc.Length == 0 ? 0 : acc.Min(), high = acc.Length == 0 ? 0 : acc.Max();
            if (!NarrowRequantization.TryCreate(scale, bias, low, high, zy, min, max, out var narrow)) continue;
            var y = new sbyte[length];
            Requantize.Plane(acc, narrow, y);
            checkedCount++;
            if (acc.Where((a, i) => Requantize.One(a + bias, scale, zy, min, max) != y[i]).Any())
            {
                mismatches++;
                Console.Error.WriteLine($"mismatch: narrow requantization m={m} s={s} length={length} relu={relu}");
            }
        }
foreach (var (name, g) in new[]
{
    ("pointwise", Int8ConvGeometry.Create(16, 8, 8, 8, 1, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0))),
    ("1-D k5", Int8ConvGeometry.Create(16, 1, 64, 12, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
    ("1-D k5, a run of 20", Int8ConvGeometry.Create(16, 1, 20, 12, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
    ("1-D k5, 10 channels out", Int8ConvGeometry.Create(16, 1, 64, 10, 1, 5, 1, (1, 1), (1, 1), (0, 2, 0, 2))),
    ("3x3 rows of 13", Int8ConvGeometry.Create(8, 13, 13, 8, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
    ("3x3 rows of 16", Int8ConvGeometry.Create(8, 16, 16, 8, 3, 3, 1, (1, 1), (1, 1), (1, 1, 1, 1))),
    ("depthwise 3x3", Int8ConvGeometry.Create(8, 16, 16, 8, 3, 3, 8, (1, 1), (1, 1), (1, 1, 1, 1))),
    ("grouped", Int8ConvGeometry.Create(8, 6, 6, 4, 3, 3, 2, (1, 1), (1, 1), (1, 1, 1, 1))),
})
    foreach (var path in supported)
    foreach (bool pruned in new[] { false, true })
    {
        if (pruned && !Int8ShiftedRowsConv.SparseApplies(g)) continue;
        var x = Enumerable.Range(0, g.Channels * g.Height * g.Width).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var w = Enumerable.Range(0, g.OutChannels * g.PatchSize).Select(_ => (sbyte)rng.Next(-64, 65)).ToArray();
        if (pruned) PruneUnits(g, w, 2);
        var bias = Enumerable.Range(0, g.OutChannels).Select(_ => rng.Next(-3000, 3000)).ToArray();
        int zx = rng.Next(-10, 10), zy = rng.Next(-10, 10);
        var folded = Int8Conv.FoldZeroPoint(bias, w, g.OutChannels, zx);
        var scales = Enumerable.Range(0, g.OutChannels).Select(_ => FixedPointMultiplier.FromReal(0.0005 + rng.NextDouble() * 0.002).WithSignificantBits(10)).ToArray();
        var expected = new sbyte[g.OutChannels * g.OutPixels];
        Int8Conv.Reference(g, x, w, bias, scales, zx, zy, zy, 127, expected);
        var weights = new Int8ConvWeights(g, w, path);
        if (pruned)
        {
            SparseConv.TryCompressInt8(w, g.OutChannels, g.Channels, g.KernelH * g.KernelW, 2, 4, 12, out var values, out var indices);
            weights = Int8ConvWeights.FromSparse(g, values, indices, 2, 4, 12, path);
        }
        var narrow = weights.Narrow(folded, scales, zy, zy, 127);
        var actual = new sbyte[expected.Length];
        if (narrow is not null) weights.Run(x, folded, scales, zx, zy, zy, 127, actual, new byte[g.ScratchBytes], narrow);
        checkedCount++;
        if (weights.ShiftedRows && weights.Path == Int8Path.AdvSimdDot) dotRows++;
        if (weights.FusesRequantization && weights.Path == Int8Path.AdvSimdDot) dotFused++;
        if (weights.FusesRequantization && weights.Path == Int8Path.Avx2) avx2Fused++;
        if (narrow is null || !expected.AsSpan().SequenceEqual(actual))
        {
            mismatches++;
            Console.Error.WriteLine($"mismatch: narrow-requantized convolution {name}{(pruned ? " (2:4)" : "")} on {path}{(narrow is null ? " (no narrow form)" : "")}");
        }
    }
Console.WriteLine($"best={Int8Paths.Best} supported={string.Join(",", supported)} checked={checkedCount} mismatches={mismatches} dot-rows={dotRows} sparse-dot-rows={sparseDotRows} dot-fused={dotFused} avx2-fused={avx2Fused} u8-split={u8Split}");
return mismatches == 0 ? 0 : 1;

// Keeps n random (channel pair, tap) units of every 4 of w, per panel of 12 output channels: what SparseConv's int8 form holds.
void PruneUnits(Int8ConvGeometry g, sbyte[] w, int n)
{
    int rows = g.OutChannels;
    var columns = SparseConv.PairTapColumns(g.Channels, g.KernelH * g.KernelW);
    for (int r0 = 0; r0 < rows; r0 += 12)
        for (int u0 = 0; u0 < columns.Length / 2; u0 += 4)
            foreach (int u in Enumerable.Range(u0, Math.Min(4, columns.Length / 2 - u0)).OrderBy(_ => rng.Next()).Skip(n))
                for (int r = r0; r < Math.Min(rows, r0 + 12); r++)
                    for (int h = 0; h < 2; h++)
                        if (columns[2 * u + h] >= 0) w[r * g.PatchSize + columns[2 * u + h]] = 0;
}
