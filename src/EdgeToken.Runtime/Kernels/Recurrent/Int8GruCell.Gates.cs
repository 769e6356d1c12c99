using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Recurrent;

public static partial class Int8GruCell
{
    /// <summary><c>dst[j] = (float)sums[j] · (scale · rowScales[j]) + add[j]</c>, the int32 sums of one gate back to float.
    /// Multiplies and adds apart (no FMA), like <see cref="Reference"/>, so the result is the same at every width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dequantize(ReadOnlySpan<int> sums, float scale, ReadOnlySpan<float> rowScales, ReadOnlySpan<float> add, Span<float> dst)
    {
        int n = dst.Length, j = 0;
        if (sums.Length < n || rowScales.Length < n || add.Length < n) throw new ArgumentException("sums, scales or addend shorter than the gate");
        ref int a = ref MemoryMarshal.GetReference(sums);
        ref float w = ref MemoryMarshal.GetReference(rowScales);
        ref float b = ref MemoryMarshal.GetReference(add);
        ref float d = ref MemoryMarshal.GetReference(dst);
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; j <= n - 16; j += 16)
                (Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref a, (nuint)j)) * (s * Vector512.LoadUnsafe(ref w, (nuint)j)) + Vector512.LoadUnsafe(ref b, (nuint)j))
                    .StoreUnsafe(ref d, (nuint)j);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; j <= n - 8; j += 8)
                (Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref a, (nuint)j)) * (s * Vector256.LoadUnsafe(ref w, (nuint)j)) + Vector256.LoadUnsafe(ref b, (nuint)j))
                    .StoreUnsafe(ref d, (nuint)j);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; j <= n - 4; j += 4)
                (Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref a, (nuint)j)) * (s * Vector128.LoadUnsafe(ref w, (nuint)j)) + Vector128.LoadUnsafe(ref b, (nuint)j))
                    .StoreUnsafe(ref d, (nuint)j);
        }
        for (; j < n; j++) Unsafe.Add(ref d, j) = Unsafe.Add(ref a, j) * (scale * Unsafe.Add(ref w, j)) + Unsafe.Add(ref b, j);
    }

    /// <summary>z_pre = clip(z_pre) in place; <c>resetHidden = f(clip(r_pre)) ⊙ other</c> (other: h, or Rh·h + Rbh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ResetGate(Span<float> zPre, ReadOnlySpan<float> rPre, ReadOnlySpan<float> other, Span<float> resetHidden, float clip)
    {
        int n = zPre.Length;
        if (rPre.Length < n || other.Length < n || resetHidden.Length < n) throw new ArgumentException("gate vectors of different lengths");
        ref float z = ref MemoryMarshal.GetReference(zPre);
        ref float r = ref MemoryMarshal.GetReference(rPre);
        ref float o = ref MemoryMarshal.GetReference(other);
        ref float rh = ref MemoryMarshal.GetReference(resetHidden);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = ResetGate<Vector512<float>, F512>(ref z, ref r, ref o, ref rh, n, clip, j);
        if (Vector256.IsHardwareAccelerated) j = ResetGate<Vector256<float>, F256>(ref z, ref r, ref o, ref rh, n, clip, j);
        if (Vector128.IsHardwareAccelerated) j = ResetGate<Vector128<float>, F128>(ref z, ref r, ref o, ref rh, n, clip, j);
        for (; j < n; j++)
        {
            Unsafe.Add(ref z, j) = Clip(Unsafe.Add(ref z, j), clip);
            Unsafe.Add(ref rh, j) = GateSigmoidTanh.Sigmoid(Clip(Unsafe.Add(ref r, j), clip)) * Unsafe.Add(ref o, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ResetGate<TVec, TOps>(ref float z, ref float r, ref float o, ref float rh, int n, float clip, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j;
            TOps.Store(GateSigmoidTanh.Clip<TVec, TOps>(TOps.Load(ref z, u), lo, hi, clipped), ref z, u);
            var gate = GateSigmoidTanh.Sigmoid<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.Load(ref r, u), lo, hi, clipped));
            TOps.Store(TOps.Multiply(gate, TOps.Load(ref o, u)), ref rh, u);
        }
        return j;
    }

    /// <summary><c>n = g(clip(n_pre))</c>, <c>h' = n + f(z_pre)⊙(h − n)</c>, the spec's (1 − z)⊙n + z⊙h, into h.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(ReadOnlySpan<float> zPre, ReadOnlySpan<float> nPre, Span<float> h, float clip)
    {
        int n = h.Length;
        if (zPre.Length < n || nPre.Length < n) throw new ArgumentException("gate vectors of different lengths");
        ref float z = ref MemoryMarshal.GetReference(zPre);
        ref float c = ref MemoryMarshal.GetReference(nPre);
        ref float hs = ref MemoryMarshal.GetReference(h);
        int j = 0;
        if (Vector512.IsHardwareAccelerated) j = Update<Vector512<float>, F512>(ref z, ref c, ref hs, n, clip, j);
        if (Vector256.IsHardwareAccelerated) j = Update<Vector256<float>, F256>(ref z, ref c, ref hs, n, clip, j);
        if (Vector128.IsHardwareAccelerated) j = Update<Vector128<float>, F128>(ref z, ref c, ref hs, n, clip, j);
        for (; j < n; j++)
        {
            float cand = GateSigmoidTanh.Tanh(Clip(Unsafe.Add(ref c, j), clip));
            ref float hj = ref Unsafe.Add(ref hs, j);
            hj = cand + GateSigmoidTanh.Sigmoid(Unsafe.Add(ref z, j)) * (hj - cand);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Update<TVec, TOps>(ref float z, ref float c, ref float h, int n, float clip, int j)
        where TVec : struct where TOps : IFloatVector<TVec>
    {
        var hi = TOps.Create(clip);
        var lo = TOps.Negate(hi);
        bool clipped = !float.IsPositiveInfinity(clip);
        for (; j <= n - TOps.Count; j += TOps.Count)
        {
            nuint u = (nuint)j;
            var cand = GateSigmoidTanh.Tanh<TVec, TOps>(GateSigmoidTanh.Clip<TVec, TOps>(TOps.Load(ref c, u), lo, hi, clipped));
            var gate = GateSigmoidTanh.Sigmoid<TVec, TOps>(TOps.Load(ref z, u));
            TOps.Store(TOps.Add(cand, TOps.Multiply(gate, TOps.Subtract(TOps.Load(ref h, u), cand))), ref h, u);
        }
        return j;
    }
}
