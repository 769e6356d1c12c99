using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Stockham butterflies for <see cref="ComplexFft"/>.</summary>
/// <remarks>
/// Within a pass the twiddle depends only on <c>p</c>, so the <c>q</c> loop over interleaved
/// sub-transforms is a plain element-wise loop over contiguous memory. Radix 4 and 2, which carry
/// power-of-two lengths, run it on <see cref="Vector{T}"/> once the stride reaches a vector
/// (all passes after the first one or two); the early passes and radix 3/5 stay scalar because
/// their strides are too short to fill a vector.
/// </remarks>
internal static partial class FftButterflies
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ReadOnlySpan<float> source, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, Span<float> destination, int index) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)index);
}
