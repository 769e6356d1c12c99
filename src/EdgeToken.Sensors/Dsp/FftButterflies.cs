using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Stockham butterflies for <see cref="ComplexFft"/>.</summary>
/// <remarks>
/// Within a pass the twiddle depends only on <c>p</c>, so the <c>q</c> loop over interleaved
/// sub-transforms is a plain element-wise loop over contiguous memory, run on
/// <see cref="Vector{T}"/> once the stride reaches a vector (every radix). The first radix-4
/// passes, whose strides (1 and 4) are shorter than a vector, are vectorised across butterflies
/// instead (<see cref="Radix4Narrow"/>); the rest of the short-stride work stays scalar.
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
