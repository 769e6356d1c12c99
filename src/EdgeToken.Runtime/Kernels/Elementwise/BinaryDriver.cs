using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Elementwise;

/// <summary>Runs an <see cref="IBinaryOp{T}"/> over a <see cref="BroadcastPlan"/>: each inner run goes to one of
/// three span loops (vector-vector, vector-scalar, scalar-vector), each with the widest vectors the machine
/// has, then narrower ones, then a scalar tail. The tail never re-reads elements already written, so the
/// output may be the same memory as a full-shape input (in-place).</summary>
internal static class BinaryDriver
{
    public static void Run<T, TOp>(BroadcastPlan plan, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged where TOp : struct, IBinaryOp<T>
    {
        int inner = plan.Inner;
        var cursor = new BroadcastCursor(plan, stackalloc int[plan.OuterRank]);
        int offY = 0;
        for (long o = 0; o < plan.OuterCount; o++)
        {
            var dst = y.Slice(offY, inner);
            switch (plan.Run)
            {
                case InnerRun.BothVectors:
                    VectorVector(a.Slice(cursor.OffsetA, inner), b.Slice(cursor.OffsetB, inner), dst, op);
                    break;
                case InnerRun.ScalarB:
                    VectorScalar(a.Slice(cursor.OffsetA, inner), b[cursor.OffsetB], dst, op);
                    break;
                case InnerRun.ScalarA:
                    ScalarVector(a[cursor.OffsetA], b.Slice(cursor.OffsetB, inner), dst, op);
                    break;
                default:
                    dst.Fill(op.Invoke(a[cursor.OffsetA], b[cursor.OffsetB]));
                    break;
            }
            offY += inner;
            cursor.MoveNext();
        }
    }

    /// <summary>y[i] = op(a[i], b[i]).</summary>
    public static void VectorVector<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged where TOp : struct, IBinaryOp<T>
    {
        int n = a.Length;
        if (b.Length < n || y.Length < n) throw new ArgumentException("operand or output shorter than the run");
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    op.Invoke(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    op.Invoke(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                    op.Invoke(Vector128.LoadUnsafe(ref ar, (nuint)i), Vector128.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
    }

    /// <summary>y[i] = op(a[i], s).</summary>
    public static void VectorScalar<T, TOp>(ReadOnlySpan<T> a, T s, Span<T> y, TOp op)
        where T : unmanaged where TOp : struct, IBinaryOp<T>
    {
        int n = a.Length;
        if (y.Length < n) throw new ArgumentException("output shorter than the run");
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                var sv = Vector512.Create(s);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    op.Invoke(Vector512.LoadUnsafe(ref ar, (nuint)i), sv).StoreUnsafe(ref yr, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                var sv = Vector256.Create(s);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    op.Invoke(Vector256.LoadUnsafe(ref ar, (nuint)i), sv).StoreUnsafe(ref yr, (nuint)i);
            }
            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
            {
                var sv = Vector128.Create(s);
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                    op.Invoke(Vector128.LoadUnsafe(ref ar, (nuint)i), sv).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Invoke(Unsafe.Add(ref ar, i), s);
    }

    /// <summary>y[i] = op(s, b[i]).</summary>
    public static void ScalarVector<T, TOp>(T s, ReadOnlySpan<T> b, Span<T> y, TOp op)
        where T : unmanaged where TOp : struct, IBinaryOp<T>
    {
        int n = b.Length;
        if (y.Length < n) throw new ArgumentException("output shorter than the run");
        ref T br = ref MemoryMarshal.GetReference(b);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (TOp.Vectorizable)
        {
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                var sv = Vector512.Create(s);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    op.Invoke(sv, Vector512.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                var sv = Vector256.Create(s);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    op.Invoke(sv, Vector256.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
            if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
            {
                var sv = Vector128.Create(s);
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                    op.Invoke(sv, Vector128.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref yr, i) = op.Invoke(s, Unsafe.Add(ref br, i));
    }
}
