using EdgeToken.Runtime.Kernels.Int8;

// Compares every int8 path this process can run with the scalar reference, prints one line
//   best=<path> supported=<path,...> checked=<count> mismatches=<count>
// and exits 1 on any mismatch. Sizes cover every vector width and tail (k = 0..200).
var supported = Int8Paths.Supported().ToList();
var rng = new Random(7);
int checkedCount = 0, mismatches = 0;
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
Console.WriteLine($"best={Int8Paths.Best} supported={string.Join(",", supported)} checked={checkedCount} mismatches={mismatches}");
return mismatches == 0 ? 0 : 1;
