using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Linear;

public static partial class Sgemm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fmadd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fmadd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>One MR x NR tile of C += A panel * B panel over kc steps. Full tiles add straight into C;
    /// edge tiles go through <paramref name="tile"/> so the loop stays branch-free.</summary>
    private static unsafe void TileKernel(float* a, float* b, int kc, float* c, int ldc, int rows, int cols, float* tile)
    {
        if (Vector256.IsHardwareAccelerated) Tile256(a, b, kc, c, ldc, rows, cols, tile);
        else if (Vector128.IsHardwareAccelerated) Tile128(a, b, kc, c, ldc, rows, cols, tile);
        else TileScalar(a, b, kc, c, ldc, rows, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile256(float* a, float* b, int kc, float* c, int ldc, int rows, int cols, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21);
            av = Vector256.Create(a[3]); c30 = Fmadd(av, b0, c30); c31 = Fmadd(av, b1, c31);
            av = Vector256.Create(a[4]); c40 = Fmadd(av, b0, c40); c41 = Fmadd(av, b1, c41);
            av = Vector256.Create(a[5]); c50 = Fmadd(av, b0, c50); c51 = Fmadd(av, b1, c51);
        }
        if (rows == MR && cols == NR)
        {
            Add256(c, c00, c01); Add256(c + ldc, c10, c11); Add256(c + 2L * ldc, c20, c21);
            Add256(c + 3L * ldc, c30, c31); Add256(c + 4L * ldc, c40, c41); Add256(c + 5L * ldc, c50, c51);
            return;
        }
        c00.Store(tile); c01.Store(tile + 8); c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40); c30.Store(tile + 48); c31.Store(tile + 56);
        c40.Store(tile + 64); c41.Store(tile + 72); c50.Store(tile + 80); c51.Store(tile + 88);
        AddTile(tile, c, ldc, rows, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Add256(float* c, Vector256<float> lo, Vector256<float> hi)
    {
        (Vector256.Load(c) + lo).Store(c);
        (Vector256.Load(c + 8) + hi).Store(c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile128(float* a, float* b, int kc, float* c, int ldc, int rows, int cols, float* tile)
    {
        // 24 accumulators: meant for ARM64's 32 vector registers; on SSE-only x64 some spill, which is acceptable.
        Vector128<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector128<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector128<float> c50 = default, c51 = default, c52 = default, c53 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var b2 = Vector128.Load(b + 8);
            var b3 = Vector128.Load(b + 12);
            var av = Vector128.Create(a[0]); c00 = Fmadd(av, b0, c00); c01 = Fmadd(av, b1, c01); c02 = Fmadd(av, b2, c02); c03 = Fmadd(av, b3, c03);
            av = Vector128.Create(a[1]); c10 = Fmadd(av, b0, c10); c11 = Fmadd(av, b1, c11); c12 = Fmadd(av, b2, c12); c13 = Fmadd(av, b3, c13);
            av = Vector128.Create(a[2]); c20 = Fmadd(av, b0, c20); c21 = Fmadd(av, b1, c21); c22 = Fmadd(av, b2, c22); c23 = Fmadd(av, b3, c23);
            av = Vector128.Create(a[3]); c30 = Fmadd(av, b0, c30); c31 = Fmadd(av, b1, c31); c32 = Fmadd(av, b2, c32); c33 = Fmadd(av, b3, c33);
            av = Vector128.Create(a[4]); c40 = Fmadd(av, b0, c40); c41 = Fmadd(av, b1, c41); c42 = Fmadd(av, b2, c42); c43 = Fmadd(av, b3, c43);
            av = Vector128.Create(a[5]); c50 = Fmadd(av, b0, c50); c51 = Fmadd(av, b1, c51); c52 = Fmadd(av, b2, c52); c53 = Fmadd(av, b3, c53);
        }
        c00.Store(tile); c01.Store(tile + 4); c02.Store(tile + 8); c03.Store(tile + 12);
        c10.Store(tile + 16); c11.Store(tile + 20); c12.Store(tile + 24); c13.Store(tile + 28);
        c20.Store(tile + 32); c21.Store(tile + 36); c22.Store(tile + 40); c23.Store(tile + 44);
        c30.Store(tile + 48); c31.Store(tile + 52); c32.Store(tile + 56); c33.Store(tile + 60);
        c40.Store(tile + 64); c41.Store(tile + 68); c42.Store(tile + 72); c43.Store(tile + 76);
        c50.Store(tile + 80); c51.Store(tile + 84); c52.Store(tile + 88); c53.Store(tile + 92);
        AddTile(tile, c, ldc, rows, cols);
    }

    private static unsafe void TileScalar(float* a, float* b, int kc, float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
            {
                float sum = 0f;
                for (int p = 0; p < kc; p++) sum += a[p * MR + r] * b[p * NR + j];
                c[(long)r * ldc + j] += sum;
            }
    }

    /// <summary>A single row of A against one B panel: the matrix-vector case (one inference vector times a
    /// weight matrix). It is bound by reading B, so it unrolls k by two into independent accumulators to hide
    /// FMA latency instead of wasting five of the tile kernel's six rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowKernel(float* a, float* b, int kc, float* c, int cols)
    {
        float* sum = stackalloc float[NR];
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
            int p = 0;
            for (; p + 1 < kc; p += 2, a += 2 * MR, b += 2 * NR)
            {
                var x0 = Vector256.Create(a[0]);
                var x1 = Vector256.Create(a[MR]);
                s0 = Fmadd(x0, Vector256.Load(b), s0);
                s1 = Fmadd(x0, Vector256.Load(b + 8), s1);
                t0 = Fmadd(x1, Vector256.Load(b + NR), t0);
                t1 = Fmadd(x1, Vector256.Load(b + NR + 8), t1);
            }
            if (p < kc)
            {
                var x0 = Vector256.Create(a[0]);
                s0 = Fmadd(x0, Vector256.Load(b), s0);
                s1 = Fmadd(x0, Vector256.Load(b + 8), s1);
            }
            (s0 + t0).Store(sum);
            (s1 + t1).Store(sum + 8);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (int p = 0; p < kc; p++, a += MR, b += NR)
            {
                var x = Vector128.Create(a[0]);
                s0 = Fmadd(x, Vector128.Load(b), s0);
                s1 = Fmadd(x, Vector128.Load(b + 4), s1);
                s2 = Fmadd(x, Vector128.Load(b + 8), s2);
                s3 = Fmadd(x, Vector128.Load(b + 12), s3);
            }
            s0.Store(sum); s1.Store(sum + 4); s2.Store(sum + 8); s3.Store(sum + 12);
        }
        else
        {
            for (int j = 0; j < NR; j++) sum[j] = 0f;
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < NR; j++) sum[j] += a[p * MR] * b[p * NR + j];
        }
        for (int j = 0; j < cols; j++) c[j] += sum[j];
    }
}
