using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Linear;

/// <summary>
/// One row through a dense layer: y = x · W + bias, float32, the shape of every Gemm with M = 1 (a window through
/// an MLP). The generated pipelines call it with constant spans over their static weights; no packing, no scratch.
/// </summary>
/// <remarks>
/// W row-major K×N (<see cref="RunKN"/>, ONNX transB = 0): the row of outputs is kept in registers 4 vectors at a
/// time while k runs, so each weight is loaded once and x[k] is broadcast; 4 accumulators hide the FMA latency
/// (4 cycles) on one core. W row-major N×K (<see cref="RunNK"/>, transB = 1, PyTorch's Linear): one dot product per
/// output over contiguous memory, which TensorPrimitives.Dot vectorises. Sums run in another order than the
/// scalar reference; results agree within float rounding.
/// </remarks>
public static class Gemv
{
    /// <summary>Reference for <see cref="RunKN"/>: y[n] = bias[n] + Σk x[k]·w[k·N + n]. An empty bias means none.</summary>
    public static void ScalarKN(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int k = x.Length, n = y.Length;
        for (int j = 0; j < n; j++)
        {
            float sum = bias.IsEmpty ? 0f : bias[j];
            for (int i = 0; i < k; i++) sum += x[i] * w[i * n + j];
            y[j] = sum;
        }
    }

    /// <summary>Reference for <see cref="RunNK"/>: y[n] = bias[n] + Σk x[k]·w[n·K + k].</summary>
    public static void ScalarNK(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int k = x.Length, n = y.Length;
        for (int j = 0; j < n; j++)
        {
            float sum = bias.IsEmpty ? 0f : bias[j];
            for (int i = 0; i < k; i++) sum += x[i] * w[j * k + i];
            y[j] = sum;
        }
    }

    /// <summary>y = x · W + bias with W row-major [K = x.Length, N = y.Length].</summary>
    public static void RunKN(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int k = x.Length, n = y.Length;
        if (w.Length < k * n || (!bias.IsEmpty && bias.Length < n)) throw new ArgumentException("weights or bias shorter than the layer");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            const int V = 8;
            for (; j <= n - 4 * V; j += 4 * V)
            {
                Vector256<float> a0 = Start256(bias, j), a1 = Start256(bias, j + V), a2 = Start256(bias, j + 2 * V), a3 = Start256(bias, j + 3 * V);
                for (int i = 0; i < k; i++)
                {
                    var xi = Vector256.Create(Unsafe.Add(ref xs, i));
                    nuint row = (nuint)(i * n + j);
                    a0 = Vector256.FusedMultiplyAdd(xi, Vector256.LoadUnsafe(ref ws, row), a0);
                    a1 = Vector256.FusedMultiplyAdd(xi, Vector256.LoadUnsafe(ref ws, row + V), a1);
                    a2 = Vector256.FusedMultiplyAdd(xi, Vector256.LoadUnsafe(ref ws, row + 2 * V), a2);
                    a3 = Vector256.FusedMultiplyAdd(xi, Vector256.LoadUnsafe(ref ws, row + 3 * V), a3);
                }
                a0.StoreUnsafe(ref ys, (nuint)j);
                a1.StoreUnsafe(ref ys, (nuint)(j + V));
                a2.StoreUnsafe(ref ys, (nuint)(j + 2 * V));
                a3.StoreUnsafe(ref ys, (nuint)(j + 3 * V));
            }
            for (; j <= n - V; j += V)
            {
                var a = Start256(bias, j);
                for (int i = 0; i < k; i++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xs, i)), Vector256.LoadUnsafe(ref ws, (nuint)(i * n + j)), a);
                a.StoreUnsafe(ref ys, (nuint)j);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            const int V = 4;
            for (; j <= n - 2 * V; j += 2 * V)
            {
                Vector128<float> a0 = Start128(bias, j), a1 = Start128(bias, j + V);
                for (int i = 0; i < k; i++)
                {
                    var xi = Vector128.Create(Unsafe.Add(ref xs, i));
                    nuint row = (nuint)(i * n + j);
                    a0 = Vector128.FusedMultiplyAdd(xi, Vector128.LoadUnsafe(ref ws, row), a0);
                    a1 = Vector128.FusedMultiplyAdd(xi, Vector128.LoadUnsafe(ref ws, row + V), a1);
                }
                a0.StoreUnsafe(ref ys, (nuint)j);
                a1.StoreUnsafe(ref ys, (nuint)(j + V));
            }
            for (; j <= n - V; j += V)
            {
                var a = Start128(bias, j);
                for (int i = 0; i < k; i++)
                    a = Vector128.FusedMultiplyAdd(Vector128.Create(Unsafe.Add(ref xs, i)), Vector128.LoadUnsafe(ref ws, (nuint)(i * n + j)), a);
                a.StoreUnsafe(ref ys, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float sum = bias.IsEmpty ? 0f : bias[j];
            for (int i = 0; i < k; i++) sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref xs, i), Unsafe.Add(ref ws, i * n + j), sum);
            Unsafe.Add(ref ys, j) = sum;
        }
    }

    /// <summary>y = x · Wᵀ + bias with W row-major [N = y.Length, K = x.Length].</summary>
    public static void RunNK(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int k = x.Length, n = y.Length;
        if (w.Length < k * n || (!bias.IsEmpty && bias.Length < n)) throw new ArgumentException("weights or bias shorter than the layer");
        for (int j = 0; j < n; j++)
            y[j] = TensorPrimitives.Dot(x, w.Slice(j * k, k)) + (bias.IsEmpty ? 0f : bias[j]);
    }

    private static Vector256<float> Start256(ReadOnlySpan<float> bias, int j) =>
        bias.IsEmpty ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)j);

    private static Vector128<float> Start128(ReadOnlySpan<float> bias, int j) =>
        bias.IsEmpty ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)j);
}
