using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The int8 product every quantized Gemm, MatMul and Conv runs on: <c>y[m, n] = Σ_k x[m, k] · w[n, k]</c> with
/// both operands signed 8-bit and row-major with k contiguous (the weight as [out_channels, in_features], as ONNX Gemm
/// stores it with transB), and exact int32 sums.</summary>
/// <remarks>Why s8 × s8: weights are quantized symmetric to [-127, 127] and activations asymmetric to int8 with a zero point,
/// so the zero point's contribution (<c>-zero_point · Σ_k w[n, k]</c>) is a constant folded into the bias at build time and
/// the inner loop is a plain dot product. ARM's sdot takes s8 × s8 directly; x86's byte multiply-adds take u8 × s8, so
/// the VNNI path flips x's sign bit (x + 128) and subtracts 128 · Σw. The AVX2 path does NOT use vpmaddubsw: it adds pairs
/// of u8·s8 products into int16 with saturation (255 · 127 · 2 &gt; 32767), which would make results depend on the
/// machine; widening to int16 and vpmaddwd is exact. Every path therefore returns the very same integers.</remarks>
public static partial class Int8Gemm
{
    /// <summary>The reference every path is tested against.</summary>
    public static void Scalar(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, Span<int> y, int m, int k, int n) =>
        Run(Int8Path.Scalar, x, w, y, m, k, n);

    /// <summary>On the best path of this machine (<see cref="Int8Paths.Best"/>).</summary>
    public static void Run(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, Span<int> y, int m, int k, int n) =>
        Run(Int8Paths.Best, x, w, y, m, k, n);

    /// <summary>On a chosen path (tests run each one); throws when this machine cannot run it.</summary>
    public static void Run(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, Span<int> y, int m, int k, int n)
    {
        if (x.Length < m * k || w.Length < n * k || y.Length < m * n)
            throw new ArgumentException($"int8 GEMM {m}x{k} by {n}x{k}: operand or result too short");
        if (!Int8Paths.IsSupported(path)) throw new PlatformNotSupportedException($"int8 path {path} is not supported on this machine");
        ref sbyte xs = ref MemoryMarshal.GetReference(x);
        ref sbyte ws = ref MemoryMarshal.GetReference(w);
        ref int ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (path == Int8Path.Avx512BW)
            for (; i <= m - 4; i += 4)
            {
                int j = 0;
                for (; j <= n - 4; j += 4)
                    Block4x4Avx512BW(ref Unsafe.Add(ref xs, i * k), ref Unsafe.Add(ref ws, j * k), k, ref Unsafe.Add(ref ys, i * n + j), n);
                for (int r = i; r < i + 4; r++)
                    for (int c = j; c < n; c++)
                        Unsafe.Add(ref ys, r * n + c) = DotAvx512BW(ref Unsafe.Add(ref xs, r * k), ref Unsafe.Add(ref ws, c * k), k);
            }
        for (; i < m; i++)
            Row(path, ref Unsafe.Add(ref xs, i * k), ref ws, ref Unsafe.Add(ref ys, i * n), k, n);
    }

    /// <summary>One dot product on a chosen path.</summary>
    public static int Dot(Int8Path path, ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w)
    {
        if (w.Length != x.Length) throw new ArgumentException("dot product of spans of different lengths");
        int result = 0;
        Run(path, x, w, MemoryMarshal.CreateSpan(ref result, 1), 1, x.Length, 1);
        return result;
    }

    // The switch is outside the loop over output channels so each path's loop is straight-line code.
    private static void Row(Int8Path path, ref sbyte x, ref sbyte w, ref int y, int k, int n)
    {
        switch (path)
        {
            case Int8Path.Avx512BW:
            {
                int j = 0;
                for (; j <= n - 4; j += 4) Dot4Avx512BW(ref x, ref Unsafe.Add(ref w, j * k), k, ref Unsafe.Add(ref y, j));
                for (; j < n; j++) Unsafe.Add(ref y, j) = DotAvx512BW(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            }
            case Int8Path.Avx2:
            {
                int j = 0;
                for (; j <= n - 4; j += 4) Dot4Avx2(ref x, ref Unsafe.Add(ref w, j * k), k, ref Unsafe.Add(ref y, j));
                for (; j < n; j++) Unsafe.Add(ref y, j) = DotAvx2(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            }
            case Int8Path.AvxVnni:
                for (int j = 0; j < n; j++) Unsafe.Add(ref y, j) = DotAvxVnni(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            case Int8Path.AdvSimdDot:
            {
                int j = 0;
                for (; j <= n - 4; j += 4) Dot4AdvSimd(ref x, ref Unsafe.Add(ref w, j * k), k, ref Unsafe.Add(ref y, j));
                for (; j < n; j++) Unsafe.Add(ref y, j) = DotAdvSimd(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            }
            case Int8Path.Vector128 when System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported:
            {
                int j = 0;
                for (; j <= n - 4; j += 4) Dot4AdvSimdWidening(ref x, ref Unsafe.Add(ref w, j * k), k, ref Unsafe.Add(ref y, j));
                for (; j < n; j++) Unsafe.Add(ref y, j) = DotAdvSimdWidening(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            }
            case Int8Path.Vector128:
                for (int j = 0; j < n; j++) Unsafe.Add(ref y, j) = DotVector128(ref x, ref Unsafe.Add(ref w, j * k), k);
                break;
            default:
                for (int j = 0; j < n; j++) Unsafe.Add(ref y, j) = DotScalar(ref x, ref Unsafe.Add(ref w, j * k), 0, k);
                break;
        }
    }

    /// <summary>y[r] += the products of x and row r of w (k apart) from <paramref name="from"/> to k, r = 0..3: the scalar
    /// end of every path's four-row dot products.</summary>
    private static void AddTails(ref sbyte x, ref sbyte w, int k, int from, ref int y)
    {
        for (int r = 0; r < 4 && from < k; r++) Unsafe.Add(ref y, r) += DotScalar(ref x, ref Unsafe.Add(ref w, r * k), from, k);
    }

    /// <summary>Σ x[i] · w[i] for i in [from, k): the reference, and every vector path's tail.</summary>
    private static int DotScalar(ref sbyte x, ref sbyte w, int from, int k)
    {
        int sum = 0;
        for (int i = from; i < k; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref w, i);
        return sum;
    }
}
