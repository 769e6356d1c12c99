using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Output channels' requantizations laid side by side, one channel per 32-bit lane, for a kernel whose register
/// holds 16 channels' sums of one pixel (<see cref="Int8ChannelLanesConv"/>). Two forms: the
/// <see cref="NarrowRequantization"/>s (each lane its own multiplier, shift and clamp: vpmulld, vpsravd; the sign term a
/// per-lane mask, zero where the channel leaves it out, so every lane computes <see cref="NarrowRequantization.Apply"/>),
/// or, where some channel has no narrow form, the full requantization on 64-bit lanes
/// (<see cref="Requantize.SixteenChannels"/>: <see cref="Requantize.One"/>'s integers with each lane's bias and scale).</summary>
internal sealed class ChannelLaneRequantization
{
    private const int Lanes = Int8ChannelLanesConv.Lanes;
    private readonly int[] _multiplier, _biasProduct, _offset, _sign, _shift, _min, _max;
    /// <summary>The full form: the bias per lane (in <see cref="_biasProduct"/>), 31 + shift (in <see cref="_shift"/>), and these shared.</summary>
    private readonly bool _full;
    private readonly int _zeroPoint, _low, _high;

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

    /// <summary>The full form for <paramref name="channels"/> output channels: <paramref name="bias"/> per channel (or
    /// empty), <paramref name="scales"/> per channel (or one for all), the zero point and clamp shared.</summary>
    public ChannelLaneRequantization(int channels, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales, int zeroPoint, int min, int max)
    {
        int lanes = (channels + Lanes - 1) / Lanes * Lanes;
        (_multiplier, _biasProduct, _shift) = (new int[lanes], new int[lanes], new int[lanes]);
        (_offset, _sign, _min, _max) = ([], [], [], []);
        for (int c = 0; c < channels; c++)
        {
            var scale = scales[scales.Length == 1 ? 0 : c];
            (_multiplier[c], _biasProduct[c], _shift[c]) = (scale.Multiplier, bias.IsEmpty ? 0 : bias[c], 31 + scale.Shift);
        }
        for (int c = channels; c < lanes; c++) _shift[c] = 31; // padding lanes: multiplier 0, any shift in range
        (_full, _zeroPoint, _low, _high) = (true, zeroPoint, min, max);
    }

    /// <summary>Block <paramref name="block"/>'s 16 sums to 16 bytes, channel c of the block in byte c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Apply(Vector512<int> sums, int block)
    {
        nuint at = (nuint)(block * Lanes);
        if (_full)
            return Requantize.SixteenChannels(sums + Vector512.LoadUnsafe(ref _biasProduct[0], at), Vector512.LoadUnsafe(ref _multiplier[0], at),
                Vector512.LoadUnsafe(ref _shift[0], at), Vector512.Create((long)_zeroPoint), Vector512.Create((long)_low), Vector512.Create((long)_high));
        var u = sums * Vector512.LoadUnsafe(ref _multiplier[0], at) + Vector512.LoadUnsafe(ref _biasProduct[0], at);
        var t = u + Vector512.LoadUnsafe(ref _offset[0], at) + (Vector512.ShiftRightArithmetic(u, 31) & Vector512.LoadUnsafe(ref _sign[0], at));
        var shifted = Avx512F.ShiftRightArithmeticVariable(t, Vector512.LoadUnsafe(ref _shift[0], at).AsUInt32());
        return Avx512F.ConvertToVector128SByte(Vector512.Min(Vector512.Max(shifted, Vector512.LoadUnsafe(ref _min[0], at)), Vector512.LoadUnsafe(ref _max[0], at)));
    }

    /// <summary>True for the full (64-bit) form, which has no 256-bit lanes (<see cref="Apply256"/>).</summary>
    public bool IsFull => _full;

    /// <summary>The narrow form on AVX2: half <paramref name="half"/> (0 or 1) of block <paramref name="block"/>, 8 sums
    /// to 8 bytes (the low half of the result).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<sbyte> Apply256(Vector256<int> sums, int block, int half)
    {
        if (_full) throw new InvalidOperationException("the full requantization has no 256-bit lanes");
        nuint at = (nuint)(block * Lanes + half * 8);
        var u = sums * Vector256.LoadUnsafe(ref _multiplier[0], at) + Vector256.LoadUnsafe(ref _biasProduct[0], at);
        var t = u + Vector256.LoadUnsafe(ref _offset[0], at) + (Vector256.ShiftRightArithmetic(u, 31) & Vector256.LoadUnsafe(ref _sign[0], at));
        var shifted = Avx2.ShiftRightArithmeticVariable(t, Vector256.LoadUnsafe(ref _shift[0], at).AsUInt32());
        var clamped = Vector256.Min(Vector256.Max(shifted, Vector256.LoadUnsafe(ref _min[0], at)), Vector256.LoadUnsafe(ref _max[0], at));
        var words = Sse2.PackSignedSaturate(clamped.GetLower(), clamped.GetUpper());
        return Sse2.PackSignedSaturate(words, words);
    }

    /// <summary>The same for one lane in plain C#, as the scalar path of the kernel computes it.</summary>
    public sbyte Apply(int sum, int channel)
    {
        if (_full)
            return Requantize.One(unchecked(sum + _biasProduct[channel]), new FixedPointMultiplier(_multiplier[channel], _shift[channel] - 31), _zeroPoint, _low, _high);
        int u = unchecked(sum * _multiplier[channel] + _biasProduct[channel]);
        int t = unchecked(u + _offset[channel] + ((u >> 31) & _sign[channel]));
        return (sbyte)Math.Clamp(t >> _shift[channel], _min[channel], _max[channel]);
    }

    /// <summary>Whether this is the full form of exactly these arguments (checked at every run: cheap against the convolution).</summary>
    public bool Matches(int channels, ReadOnlySpan<int> bias, ReadOnlySpan<FixedPointMultiplier> scales, int zeroPoint, int min, int max)
    {
        if (!_full || (zeroPoint, min, max) != (_zeroPoint, _low, _high) || scales.Length != 1 && scales.Length != channels) return false;
        if (bias.IsEmpty ? _biasProduct.AsSpan(0, channels).ContainsAnyExcept(0) : bias.Length < channels || !bias[..channels].SequenceEqual(_biasProduct.AsSpan(0, channels)))
            return false;
        for (int c = 0; c < channels; c++)
        {
            var scale = scales[scales.Length == 1 ? 0 : c];
            if (scale.Multiplier != _multiplier[c] || 31 + scale.Shift != _shift[c]) return false;
        }
        return true;
    }
}
