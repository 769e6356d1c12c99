namespace EdgeToken.Runtime.Tests.Kernels;

/// <summary>An independent numpy-broadcasting reference for tests: every output element from its own
/// multi-index, with no plan, collapsing or cursor shared with the kernels.</summary>
internal static class Broadcasting
{
    public static int[] Shape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    public static TOut[] Apply<TA, TB, TOut>(TA[] a, int[] aDims, TB[] b, int[] bDims, int[] outDims, Func<TA, TB, TOut> f)
    {
        long count = 1;
        foreach (int d in outDims) count *= d;
        var y = new TOut[count];
        var index = new int[outDims.Length];
        for (long o = 0; o < count; o++)
        {
            long rem = o;
            for (int d = outDims.Length - 1; d >= 0; d--)
            {
                index[d] = (int)(rem % outDims[d]);
                rem /= outDims[d];
            }
            y[o] = f(a[Offset(index, aDims)], b[Offset(index, bDims)]);
        }
        return y;
    }

    private static int Offset(int[] outIndex, int[] dims)
    {
        int offset = 0, shift = outIndex.Length - dims.Length;
        for (int d = 0; d < dims.Length; d++)
            offset = offset * dims[d] + (dims[d] == 1 ? 0 : outIndex[d + shift]);
        return offset;
    }
}
