using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>The <see cref="NarrowRequantization"/>s of blocks of 16 output channels laid side by side, one channel per
/// 32-bit lane, for a kernel whose register holds 16 channels' sums of one pixel (<see cref="Int8ChannelLanesConv"/>).
/// Each lane takes its own multiplier, shift and clamp (vpmulld, vpsravd); the sign term is a per-lane mask, zero where
/// the channel leaves it out, so every lane computes exactly <see cref="NarrowRequantization.Apply"/>.</summary>
internal sealed class ChannelLaneRequantization
{
    private const int Lanes = Int8ChannelLanesConv.Lanes;
    private readonly int[] _multiplier, _biasProduct, _offset, _sign, _shift, _min, _max;

    /// <param name="narrow">One per output channel; the padding lanes of the last block get an inert channel.</param>
    public ChannelLaneRequantization(ReadOnlySpan<NarrowRequantization> narrow)
    {
        int lanes = (narrow.Length + Lanes - 1) / Lanes * Lanes;
        (_multiplier, _biasProduct, _offset, _sign, _shift, _min, _max) =
            (new int[lanes], new int[lanes], new int[lanes], new int[lanes], new int[lanes], new int[lanes], new int[lanes]);
        for (int c = 0; c < lanes; c++)
        {
            var n = c < narrow.Length ? narrow[c] : new NarrowRequantization(0, 0, 0, 1, 0, 0, false);
            (_multiplier[c], _biasProduct[c], _offset[c], _sign[c], _shift[c], _min[c], _max[c]) =
                (n.Multiplier, n.BiasProduct, n.Offset, n.SignTerm ? -1 : 0, n.Shift, n.Min, n.Max);
        }
    }

    /// <summary>Block <paramref name="block"/>'s 16 sums to 16 bytes, channel c of the block in byte c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Apply(Vector512<int> sums, int block)
    {
        nuint at = (nuint)(block * Lanes);
        var u = sums * Vector512.LoadUnsafe(ref _multiplier[0], at) + Vector512.LoadUnsafe(ref _biasProduct[0], at);
        var t = u + Vector512.LoadUnsafe(ref _offset[0], at) + (Vector512.ShiftRightArithmetic(u, 31) & Vector512.LoadUnsafe(ref _sign[0], at));
        var shifted = Avx512F.ShiftRightArithmeticVariable(t, Vector512.LoadUnsafe(ref _shift[0], at).AsUInt32());
        return Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(shifted, Vector512.LoadUnsafe(ref _min[0], at)), Vector512.LoadUnsafe(ref _max[0], at)));
    }

    /// <summary>The same for one lane in plain C#, as the scalar path of the kernel computes it.</summary>
    public sbyte Apply(int sum, int channel)
    {
        int u = unchecked(sum * _multiplier[channel] + _biasProduct[channel]);
        int t = unchecked(u + _offset[channel] + ((u >> 31) & _sign[channel]));
        return (sbyte)Math.Clamp(t >> _shift[channel], _min[channel], _max[channel]);
    }
}
