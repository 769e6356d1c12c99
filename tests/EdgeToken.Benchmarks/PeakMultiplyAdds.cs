using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace EdgeToken.Benchmarks;

/// <summary>The ceiling of each multiply-add sequence the kernels are built from, on 512-bit registers with everything in
/// registers: 16 independent accumulators, 16 distinct products a step (4 loaded operands by 4 held ones, so the JIT
/// cannot merge two), nothing else in the loop. One operation is one 512-bit multiply-add sequence:
/// <list type="bullet">
/// <item><see cref="FloatFma"/>: vfmadd231ps, 16 float products.</item>
/// <item><see cref="Int16PairsVpmaddwd"/>: vpmaddwd + vpaddd, 32 int8 products (8-bit weights widened to int16, what the
/// int8 kernels run without VNNI).</item>
/// <item><see cref="U8S8Vpmaddubsw"/>: vpmaddubsw + vpmaddwd by ones + vpaddd, 64 products (7-bit weights).</item>
/// </list>
/// int8 over float at best is then (32 / Int16PairsVpmaddwd) / (16 / FloatFma) for 8-bit weights, and likewise with 64
/// for 7-bit ones: the bound on how much faster an int8 layer that is compute-bound can be than a float one at its peak.</summary>
/// <remarks>Run: dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*PeakMultiplyAdds*'</remarks>
public class PeakMultiplyAdds
{
    private const int Steps = 1024;
    private readonly int[] _data = new int[16 * (Steps + 8)];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int i = 0; i < _data.Length; i++) _data[i] = rng.Next(-40, 40); // small: float and int alike stay exact and finite
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 16 * Steps)]
    public float FloatFma()
    {
        if (!Avx512F.IsSupported) return 0;
        ref float x = ref Unsafe.As<int, float>(ref _data[0]);
        var (w0, w1, w2, w3) = (Vector512.LoadUnsafe(ref x, 0), Vector512.LoadUnsafe(ref x, 16), Vector512.LoadUnsafe(ref x, 32), Vector512.LoadUnsafe(ref x, 48));
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (nuint q = 0; q < Steps * 16; q += 16)
        {
            var (x0, x1, x2, x3) = (Vector512.LoadUnsafe(ref x, q), Vector512.LoadUnsafe(ref x, q + 16), Vector512.LoadUnsafe(ref x, q + 32), Vector512.LoadUnsafe(ref x, q + 48));
            a0 = Avx512F.FusedMultiplyAdd(w0, x0, a0); a1 = Avx512F.FusedMultiplyAdd(w0, x1, a1); a2 = Avx512F.FusedMultiplyAdd(w0, x2, a2); a3 = Avx512F.FusedMultiplyAdd(w0, x3, a3);
            a4 = Avx512F.FusedMultiplyAdd(w1, x0, a4); a5 = Avx512F.FusedMultiplyAdd(w1, x1, a5); a6 = Avx512F.FusedMultiplyAdd(w1, x2, a6); a7 = Avx512F.FusedMultiplyAdd(w1, x3, a7);
            b0 = Avx512F.FusedMultiplyAdd(w2, x0, b0); b1 = Avx512F.FusedMultiplyAdd(w2, x1, b1); b2 = Avx512F.FusedMultiplyAdd(w2, x2, b2); b3 = Avx512F.FusedMultiplyAdd(w2, x3, b3);
            b4 = Avx512F.FusedMultiplyAdd(w3, x0, b4); b5 = Avx512F.FusedMultiplyAdd(w3, x1, b5); b6 = Avx512F.FusedMultiplyAdd(w3, x2, b6); b7 = Avx512F.FusedMultiplyAdd(w3, x3, b7);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7);
    }

    [Benchmark(OperationsPerInvoke = 16 * Steps)]
    public int Int16PairsVpmaddwd()
    {
        if (!Avx512BW.IsSupported) return 0;
        ref int x = ref _data[0];
        var (w0, w1, w2, w3) = (Vector512.LoadUnsafe(ref x, 0).AsInt16(), Vector512.LoadUnsafe(ref x, 16).AsInt16(), Vector512.LoadUnsafe(ref x, 32).AsInt16(), Vector512.LoadUnsafe(ref x, 48).AsInt16());
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<int> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (nuint q = 0; q < Steps * 16; q += 16)
        {
            var (x0, x1, x2, x3) = (Vector512.LoadUnsafe(ref x, q).AsInt16(), Vector512.LoadUnsafe(ref x, q + 16).AsInt16(), Vector512.LoadUnsafe(ref x, q + 32).AsInt16(), Vector512.LoadUnsafe(ref x, q + 48).AsInt16());
            a0 += Avx512BW.MultiplyAddAdjacent(w0, x0); a1 += Avx512BW.MultiplyAddAdjacent(w0, x1); a2 += Avx512BW.MultiplyAddAdjacent(w0, x2); a3 += Avx512BW.MultiplyAddAdjacent(w0, x3);
            a4 += Avx512BW.MultiplyAddAdjacent(w1, x0); a5 += Avx512BW.MultiplyAddAdjacent(w1, x1); a6 += Avx512BW.MultiplyAddAdjacent(w1, x2); a7 += Avx512BW.MultiplyAddAdjacent(w1, x3);
            b0 += Avx512BW.MultiplyAddAdjacent(w2, x0); b1 += Avx512BW.MultiplyAddAdjacent(w2, x1); b2 += Avx512BW.MultiplyAddAdjacent(w2, x2); b3 += Avx512BW.MultiplyAddAdjacent(w2, x3);
            b4 += Avx512BW.MultiplyAddAdjacent(w3, x0); b5 += Avx512BW.MultiplyAddAdjacent(w3, x1); b6 += Avx512BW.MultiplyAddAdjacent(w3, x2); b7 += Avx512BW.MultiplyAddAdjacent(w3, x3);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7);
    }

    [Benchmark(OperationsPerInvoke = 16 * Steps)]
    public int U8S8Vpmaddubsw()
    {
        if (!Avx512BW.IsSupported) return 0;
        ref int x = ref _data[0];
        var (w0, w1, w2, w3) = (Vector512.LoadUnsafe(ref x, 0).AsSByte(), Vector512.LoadUnsafe(ref x, 16).AsSByte(), Vector512.LoadUnsafe(ref x, 32).AsSByte(), Vector512.LoadUnsafe(ref x, 48).AsSByte());
        var one = Vector512.Create((short)1);
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<int> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (nuint q = 0; q < Steps * 16; q += 16)
        {
            var (x0, x1, x2, x3) = (Vector512.LoadUnsafe(ref x, q).AsByte(), Vector512.LoadUnsafe(ref x, q + 16).AsByte(), Vector512.LoadUnsafe(ref x, q + 32).AsByte(), Vector512.LoadUnsafe(ref x, q + 48).AsByte());
            a0 += U8S8(x0, w0, one); a1 += U8S8(x1, w0, one); a2 += U8S8(x2, w0, one); a3 += U8S8(x3, w0, one);
            a4 += U8S8(x0, w1, one); a5 += U8S8(x1, w1, one); a6 += U8S8(x2, w1, one); a7 += U8S8(x3, w1, one);
            b0 += U8S8(x0, w2, one); b1 += U8S8(x1, w2, one); b2 += U8S8(x2, w2, one); b3 += U8S8(x3, w2, one);
            b4 += U8S8(x0, w3, one); b5 += U8S8(x1, w3, one); b6 += U8S8(x2, w3, one); b7 += U8S8(x3, w3, one);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + b0 + b1 + b2 + b3 + b4 + b5 + b6 + b7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> U8S8(Vector512<byte> x, Vector512<sbyte> w, Vector512<short> one) =>
        Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(x, w), one);
}
