using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeToken.Runtime.Kernels.Int8;

public sealed partial class Int8Lookup
{
    /// <summary>The table lookup on ARM64, 16 bytes a step: four-register <c>tbl</c> looks up 64 table bytes at a time
    /// and gives 0 for an index past them, so the four quarters, each indexed by the byte less its quarter's start, are
    /// simply or-ed together.</summary>
    /// <remarks>Four tbl, three subtractions and three ors per 16 bytes. y may be x: each vector is loaded before it is
    /// stored, and the tail runs scalar.</remarks>
    public static void RunAdvSimd(ReadOnlySpan<sbyte> table, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        if (!AdvSimd.Arm64.IsSupported) throw new PlatformNotSupportedException("ARM64 AdvSimd is not supported on this machine");
        CheckLengths(table, x, y);
        var t = MemoryMarshal.AsBytes(table);
        var q0 = Quarter(t, 0);
        var q1 = Quarter(t, 64);
        var q2 = Quarter(t, 128);
        var q3 = Quarter(t, 192);
        var xs = MemoryMarshal.AsBytes(x);
        var ys = MemoryMarshal.AsBytes(y);
        var step = Vector128.Create((byte)64);
        int n = x.Length, i = 0;
        for (; i + 16 <= n; i += 16)
        {
            var index = Vector128.Create(xs.Slice(i, 16));
            var found = AdvSimd.Arm64.VectorTableLookup(q0, index);
            index -= step;
            found |= AdvSimd.Arm64.VectorTableLookup(q1, index);
            index -= step;
            found |= AdvSimd.Arm64.VectorTableLookup(q2, index);
            index -= step;
            found |= AdvSimd.Arm64.VectorTableLookup(q3, index);
            found.CopyTo(ys.Slice(i, 16));
        }
        for (; i < n; i++) y[i] = table[(byte)x[i]];
    }

    private static (Vector128<byte>, Vector128<byte>, Vector128<byte>, Vector128<byte>) Quarter(ReadOnlySpan<byte> table, int from) =>
        (Vector128.Create(table.Slice(from, 16)), Vector128.Create(table.Slice(from + 16, 16)),
         Vector128.Create(table.Slice(from + 32, 16)), Vector128.Create(table.Slice(from + 48, 16)));
}
