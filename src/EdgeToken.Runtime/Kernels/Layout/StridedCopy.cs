using System.Runtime.InteropServices;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Fills a contiguous output by walking the input with arbitrary per-axis strides (in elements, which may
/// be zero for broadcast or negative for reversed slices) from a base offset. Transpose, Slice, Expand and Tile are
/// all this one walk with different strides, so they share it.</summary>
/// <remarks>The constructor merges neighbouring axes that stay contiguous and drops size-1 axes, so a Slice of
/// whole rows or an Expand of a trailing block becomes one long copy per row instead of an element loop.</remarks>
public sealed class StridedCopy
{
    private readonly int[] _dims;
    private readonly long[] _strides;
    private readonly long _base;

    public StridedCopy(ReadOnlySpan<int> outputDims, ReadOnlySpan<long> inputStrides, long baseOffset, int elementSize)
    {
        if (outputDims.Length != inputStrides.Length) throw new ArgumentException("one stride per output axis");
        ElementSize = elementSize;
        _base = baseOffset;
        Count = 1;
        foreach (int d in outputDims) Count *= d;
        var dims = new List<int>();
        var strides = new List<long>();
        for (int i = 0; i < outputDims.Length; i++)
        {
            if (outputDims[i] == 1) continue;
            int last = dims.Count - 1;
            if (last >= 0 && strides[last] == inputStrides[i] * outputDims[i])
            {
                dims[last] *= outputDims[i];
                strides[last] = inputStrides[i];
                continue;
            }
            dims.Add(outputDims[i]);
            strides.Add(inputStrides[i]);
        }
        if (dims.Count == 0) { dims.Add(1); strides.Add(1); }
        _dims = dims.ToArray();
        _strides = strides.ToArray();
    }

    public int ElementSize { get; }
    public long Count { get; }
    /// <summary>Axes left after merging (tests use it to check that contiguous walks collapse).</summary>
    public int Rank => _dims.Length;

    public void Run(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (Count == 0) return;
        switch (ElementSize)
        {
            case 1: Walk(input, output); break;
            case 2: Walk(MemoryMarshal.Cast<byte, ushort>(input), MemoryMarshal.Cast<byte, ushort>(output)); break;
            case 4: Walk(MemoryMarshal.Cast<byte, uint>(input), MemoryMarshal.Cast<byte, uint>(output)); break;
            case 8: Walk(MemoryMarshal.Cast<byte, ulong>(input), MemoryMarshal.Cast<byte, ulong>(output)); break;
            case 16: Walk(MemoryMarshal.Cast<byte, Int128>(input), MemoryMarshal.Cast<byte, Int128>(output)); break;
            default: throw new NotSupportedException($"element size {ElementSize}");
        }
    }

    private void Walk<T>(ReadOnlySpan<T> src, Span<T> dst) where T : unmanaged
    {
        int rank = _dims.Length;
        int inner = _dims[rank - 1];
        long innerStride = _strides[rank - 1];
        Span<int> counter = stackalloc int[rank];
        counter.Clear();
        long offset = _base;
        int rows = (int)(Count / inner);
        for (int row = 0, o = 0; row < rows; row++, o += inner)
        {
            var d = dst.Slice(o, inner);
            if (innerStride == 1) src.Slice((int)offset, inner).CopyTo(d);
            else if (innerStride == 0) d.Fill(src[(int)offset]);
            else
            {
                long at = offset;
                for (int j = 0; j < inner; j++, at += innerStride) d[j] = src[(int)at];
            }
            for (int k = rank - 2; k >= 0; k--)
            {
                offset += _strides[k];
                if (++counter[k] < _dims[k]) break;
                offset -= _strides[k] * _dims[k];
                counter[k] = 0;
            }
        }
    }
}
