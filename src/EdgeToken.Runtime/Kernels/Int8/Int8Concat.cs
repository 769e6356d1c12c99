namespace EdgeToken.Runtime.Kernels.Int8;

/// <summary>Concat of int8 tensors with their own scales and zero points into one with the output's: each input's block
/// is copied where its parameters are the output's, otherwise requantized,
/// <c>y_q = clamp(zy + round((x_q - zx) · sx/sy))</c> with the ratio as 2^-40 fixed point (<see cref="Int8Add"/>'s),
/// rounding halves away from zero.</summary>
public sealed class Int8Concat
{
    private readonly int _outer;
    private readonly int[] _blocks;
    private readonly long[] _ratios; // 0: the input has the output's parameters, copied
    private readonly int[] _zeros;
    private readonly int _zeroY;
    private readonly int[] _offsets; // where each input's block starts in an output row
    private readonly int _row;       // values of one output row (all blocks)

    /// <param name="outer">Product of the dimensions before the axis.</param>
    /// <param name="blocks">Per input: values from the axis on (its axis length × the product of the dimensions after it).</param>
    public Int8Concat(int outer, int[] blocks, float[] scales, int[] zeroPoints, float scaleY, int zeroY)
    {
        if (scales.Length != blocks.Length || zeroPoints.Length != blocks.Length)
            throw new ArgumentException($"{blocks.Length} inputs need as many scales and zero points, got {scales.Length} and {zeroPoints.Length}");
        (_outer, _blocks, _zeros, _zeroY) = (outer, blocks, zeroPoints, zeroY);
        _ratios = new long[blocks.Length];
        _offsets = new int[blocks.Length];
        for (int i = 0; i < blocks.Length; i++)
        {
            _offsets[i] = _row;
            _row += blocks[i];
        }
        for (int i = 0; i < blocks.Length; i++)
            _ratios[i] = scales[i] == scaleY && zeroPoints[i] == zeroY ? 0 : Int8Add.ToFixed((double)scales[i] / scaleY);
    }

    /// <summary>One block of input <paramref name="input"/> requantized: <see cref="Int8Rescale"/>'s vector loop, the tail
    /// by <see cref="One"/>.</summary>
    private void Rescale(int input, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        int k = 0;
        if (Int8Rescale.IsAccelerated)
        {
            Span<System.Numerics.Vector<long>> v = stackalloc System.Numerics.Vector<long>[8];
            var m = new System.Numerics.Vector<long>(_ratios[input]);
            for (int step = Int8Rescale.Step; k + step <= y.Length; k += step)
            {
                Int8Rescale.Widen(x.Slice(k, step), _zeros[input], v);
                for (int j = 0; j < 8; j++) v[j] *= m;
                Int8Rescale.Finish(v, Int8Add.FractionBits, _zeroY, sbyte.MinValue, sbyte.MaxValue, y.Slice(k, step));
            }
        }
        for (; k < y.Length; k++) y[k] = One(input, x[k]);
    }

    /// <summary>Input i's value requantized to the output's parameters.</summary>
    public sbyte One(int input, sbyte x) => _ratios[input] == 0 ? x
        : (sbyte)Math.Clamp(RoundingShift.HalfAwayFromZero((x - _zeros[input]) * _ratios[input], Int8Add.FractionBits) + _zeroY, sbyte.MinValue, sbyte.MaxValue);

    /// <summary>Inputs concatenated.</summary>
    public int Inputs => _blocks.Length;

    /// <summary>Writes input <paramref name="input"/>'s part of the output: its block of every outer index, copied or
    /// requantized. Run it for every input to fill <paramref name="y"/>.</summary>
    public void Run(int input, ReadOnlySpan<sbyte> x, Span<sbyte> y)
    {
        int b = _blocks[input], row = _row, offset = _offsets[input];
        if (x.Length < _outer * b || y.Length < _outer * row) throw new ArgumentException("input or output too short for the concat");
        for (int n = 0; n < _outer; n++)
        {
            var from = x.Slice(n * b, b);
            var to = y.Slice(n * row + offset, b);
            if (_ratios[input] == 0) from.CopyTo(to);
            else Rescale(input, from, to);
        }
    }
}
