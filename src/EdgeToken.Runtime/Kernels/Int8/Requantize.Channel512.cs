using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeToken.Runtime.Kernels.Int8;

public static partial class Requantize
{
    /// <summary>One channel's bias, scale, zero point and clamp as AVX-512 constants, for a kernel that has sixteen of
    /// the channel's int32 sums in a register: it requantizes them there (<see cref="Apply"/>) instead of storing them
    /// for <see cref="Channels"/> to load again. The same steps as <see cref="Plane512"/>, so the same bytes.</summary>
    /// <remarks>Made once per channel; only on AVX-512F (the caller checks).</remarks>
    internal readonly struct Channel512
    {
        private readonly Vector512<int> _bias, _zp32, _lo32, _hi32;
        private readonly Vector512<long> _multiplier, _half, _shift, _zp, _lo, _hi;
        private readonly bool _belowOne, _halfUp;
        private readonly Narrow512 _narrow;
        /// <summary>0 for the full form, 1 for the narrow form without the sign term, 2 with it.</summary>
        private readonly int _narrowForm;

        public Channel512(int bias, FixedPointMultiplier scale, int zeroPoint, int min, int max)
        {
            _bias = Vector512.Create(bias);
            _multiplier = Vector512.Create((long)scale.Multiplier);
            _shift = Vector512.Create((long)(31 + scale.Shift));
            _belowOne = scale.Shift >= 0;
            _halfUp = ClampsAtZero(zeroPoint, min);
            _half = _belowOne ? Vector512.Create(1L << (30 + scale.Shift)) : default;
            (_zp32, _lo32, _hi32) = (Vector512.Create(zeroPoint), Vector512.Create(min - zeroPoint), Vector512.Create(max - zeroPoint));
            (_zp, _lo, _hi) = (Vector512.Create((long)zeroPoint), Vector512.Create((long)min), Vector512.Create((long)max));
        }

        /// <summary>The same for a channel with a <see cref="NarrowRequantization"/>: its 32-bit steps.</summary>
        public Channel512(in NarrowRequantization narrow)
        {
            _narrow = Narrow512.Of(narrow);
            _narrowForm = narrow.SignTerm ? 2 : 1;
        }

        /// <summary>y = clamp(zero point + round((sums + bias) · scale)) for sixteen sums, as <see cref="One"/> computes each.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<sbyte> Apply(Vector512<int> sums) => _narrowForm == 1 ? _narrow.HalfUp(sums) : _narrowForm == 2 ? _narrow.HalfAway(sums)
            : !_belowOne ? Sixteen(sums + _bias, _multiplier, _shift, _zp, _lo, _hi)
            : _halfUp ? SixteenBelowOne<HalfUp>(sums + _bias, _multiplier.AsInt32(), _multiplier.AsInt32(), _half, _shift, _zp32, _lo32, _hi32)
            : SixteenBelowOne<HalfAwayFromZero>(sums + _bias, _multiplier.AsInt32(), _multiplier.AsInt32(), _half, _shift, _zp32, _lo32, _hi32);
    }
}
