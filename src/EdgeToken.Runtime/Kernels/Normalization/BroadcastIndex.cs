using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Normalization;

/// <summary>Unidirectional broadcast of a small parameter tensor (a scale or a bias) to a target shape,
/// as an index table computed once so a kernel can expand the parameter without allocating.</summary>
internal static class BroadcastIndex
{
    /// <summary>For each element of <paramref name="target"/>, the element of a tensor of shape
    /// <paramref name="source"/> (which broadcasts to it) that it reads.</summary>
    public static int[] Of(int[] target, int[] source)
    {
        int count = (int)Shape.ElementCount(target);
        var map = new int[count];
        var targetStrides = Shape.Strides(target);
        var sourceStrides = Shape.Strides(source);
        int shift = target.Length - source.Length;
        for (int i = 0; i < count; i++)
        {
            int rem = i, s = 0;
            for (int d = 0; d < target.Length; d++)
            {
                int idx = rem / targetStrides[d];
                rem -= idx * targetStrides[d];
                int sd = d - shift;
                if (sd >= 0 && source[sd] != 1) s += idx * sourceStrides[sd];
            }
            map[i] = s;
        }
        return map;
    }

    /// <summary>Writes the broadcast of <paramref name="source"/> into <paramref name="destination"/>, or returns
    /// <paramref name="source"/> itself when <paramref name="map"/> is null (it already has the target shape).</summary>
    public static ReadOnlySpan<float> Expand(ReadOnlySpan<float> source, int[]? map, Span<float> destination)
    {
        if (map is null) return source;
        for (int i = 0; i < map.Length; i++) destination[i] = source[map[i]];
        return destination;
    }
}
