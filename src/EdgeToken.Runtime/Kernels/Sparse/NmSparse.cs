namespace EdgeToken.Runtime.Kernels.Sparse;

/// <summary>The compressed N:M layout of a weight matrix [rows, k] whose zeros follow an N:M pattern along k, with one
/// mask shared by each panel of <c>panel</c> consecutive rows (what <c>MagnitudePruner</c> writes):
/// <list type="bullet">
/// <item><c>values</c> [rows, kept], kept = k / M · N: the N stored weights of every group, in column order;</item>
/// <item><c>indices</c> [panels, ceil(kept / 4)] bytes: for each panel and stored position j, the 2-bit position of the
/// weight inside its group of M (so M ≤ 4), four to a byte, least significant bits first.</item>
/// </list>
/// For 2:4 and a panel of 8 rows that is 1/2 of the dense weight bytes plus 1/64 for the indices.</summary>
public static class NmSparse
{
    /// <summary>Largest M: the index of a weight inside its group must fit in 2 bits.</summary>
    public const int MaxM = 4;

    public static int Kept(int k, int n, int m) => k / m * n;

    public static int Panels(int rows, int panel) => (rows + panel - 1) / panel;

    public static int IndexBytesPerPanel(int kept) => (kept + 3) / 4;

    /// <summary>Compresses <paramref name="dense"/> [rows, k], or returns false when its zeros are not N:M with panel-shared
    /// masks (some group has more than N columns that are non-zero in a row of the panel) or k is not a multiple of M.
    /// A group with fewer than N non-zero columns stores zeros at the first free positions.</summary>
    public static bool TryCompress<T>(ReadOnlySpan<T> dense, int rows, int k, int n, int m, int panel, out T[] values, out byte[] indices)
        where T : unmanaged, IEquatable<T>
    {
        values = [];
        indices = [];
        if (m > MaxM || n <= 0 || n >= m || k % m != 0 || panel <= 0) return false;
        int kept = Kept(k, n, m), perPanel = IndexBytesPerPanel(kept);
        var v = new T[rows * kept];
        var idx = new byte[Panels(rows, panel) * perPanel];
        Span<int> chosen = stackalloc int[MaxM];
        for (int p = 0; p * panel < rows; p++)
        {
            int r0 = p * panel, r1 = Math.Min(rows, r0 + panel);
            for (int g = 0; g < k / m; g++)
            {
                int count = 0;
                for (int c = 0; c < m; c++)
                {
                    bool used = false;
                    for (int r = r0; r < r1 && !used; r++) used = !dense[r * k + g * m + c].Equals(default);
                    if (!used) continue;
                    if (count == n) return false;
                    chosen[count++] = c;
                }
                for (int c = 0; count < n; c++)
                    if (chosen[..count].IndexOf(c) < 0) chosen[count++] = c;
                chosen[..n].Sort();
                for (int t = 0; t < n; t++)
                {
                    int j = g * n + t;
                    idx[p * perPanel + j / 4] |= (byte)(chosen[t] << (2 * (j % 4)));
                    for (int r = r0; r < r1; r++) v[r * kept + j] = dense[r * k + g * m + chosen[t]];
                }
            }
        }
        values = v;
        indices = idx;
        return true;
    }

    /// <summary>The column in [0, k) of stored position <paramref name="j"/> of panel <paramref name="p"/>.</summary>
    public static int Column(ReadOnlySpan<byte> indices, int p, int j, int kept, int n, int m) =>
        j / n * m + ((indices[p * IndexBytesPerPanel(kept) + j / 4] >> (2 * (j % 4))) & 3);

    /// <summary>The dense [rows, k] matrix back (tests, reports).</summary>
    public static T[] Decompress<T>(ReadOnlySpan<T> values, ReadOnlySpan<byte> indices, int rows, int k, int n, int m, int panel) where T : unmanaged
    {
        int kept = Kept(k, n, m);
        var dense = new T[rows * k];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < kept; j++)
                dense[r * k + Column(indices, r / panel, j, kept, n, m)] = values[r * kept + j];
        return dense;
    }

    /// <summary>Gather control for the SIMD paths: for each panel, the inputs are cut into blocks of
    /// <paramref name="block"/> bytes, then what remains into blocks of <paramref name="smallBlock"/>; for each block, the
    /// position inside the block of each stored weight it holds (block · N / M of them), padded to the block's length with
    /// 0x80 (a byte shuffle writes 0 there). Built once per kernel: panels · (k rounded down to
    /// <paramref name="smallBlock"/>) bytes.</summary>
    public static byte[] GatherControl(ReadOnlySpan<byte> indices, int rows, int k, int n, int m, int panel, int block, int smallBlock)
    {
        int kept = Kept(k, n, m), perPanel = k / smallBlock * smallBlock;
        var control = new byte[Panels(rows, panel) * perPanel];
        for (int p = 0; p < Panels(rows, panel); p++)
        {
            int start = 0;
            foreach (var size in new[] { block, smallBlock })
                for (; start + size <= k; start += size)
                {
                    int first = start / m * n, count = size / m * n;
                    for (int t = 0; t < size; t++)
                        control[p * perPanel + start + t] = t < count
                            ? (byte)(Column(indices, p, first + t, kept, n, m) - start)
                            : (byte)0x80;
                }
        }
        return control;
    }
}
