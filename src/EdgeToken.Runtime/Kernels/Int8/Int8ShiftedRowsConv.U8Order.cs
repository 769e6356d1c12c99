namespace EdgeToken.Runtime.Kernels.Int8;

// Which input channels share a quad on the u8 kernels: any order gives the same sums, so the one with the fewest
// remainders (Split) is chosen when the kernel is made, and the quad plane is loaded in it.
public sealed partial class Int8ShiftedRowsConv
{
    /// <summary>Largest C² · M · taps the search in <see cref="QuadOrder"/> takes on (about a few milliseconds of build
    /// time); past it the channels keep their order.</summary>
    internal const long QuadOrderBudget = 1L << 25;

    /// <summary>An order of the input channels in which fewer (tap, quad) steps need a remainder, or null.</summary>
    /// <remarks>A pair of channels needs a remainder at (output channel, tap) when its two weights there add up past
    /// <see cref="U8S8Pairs.Bound"/>, which takes a large weight in at least one of them; channels whose weights are often
    /// large are the ones to pair with channels whose weights are small. Greedy: the channel with the most weights past
    /// 64 first, paired with the free channel that gives the fewest such (o, tap); then pairs with the most of them
    /// first, each put in a quad with the free pair whose (o, tap) overlap it most (a quad needs one remainder step
    /// where either pair does). An odd channel out goes last, beside the missing one. On openWakeWord's embedding model
    /// this takes the steps with a remainder from 7-25 % to 4-15 % of each layer's.</remarks>
    internal static int[]? QuadOrder(Int8ConvGeometry g, ReadOnlySpan<sbyte> w)
    {
        int c = g.Channels, m = g.OutChannels, taps = g.KernelH * g.KernelW, places = m * taps;
        if (c < 4 || (long)c * c * places > QuadOrderBudget) return null;
        var magnitude = new byte[c * places]; // [channel][o · taps + t]
        var heavy = new int[c];
        for (int o = 0; o < m; o++)
            for (int ch = 0; ch < c; ch++)
                for (int t = 0; t < taps; t++)
                {
                    int v = Math.Abs((int)w[(o * c + ch) * taps + t]);
                    magnitude[ch * places + o * taps + t] = (byte)v;
                    if (v > U8S8Pairs.Bound / 2) heavy[ch]++;
                }
        var byHeavy = Enumerable.Range(0, c).OrderByDescending(ch => heavy[ch]).ThenBy(ch => ch).ToArray();
        var taken = new bool[c];
        var pairs = new List<(int A, int B)>();
        int single = -1;
        foreach (int a in byHeavy)
        {
            if (taken[a]) continue;
            taken[a] = true;
            int best = -1, fewest = int.MaxValue;
            foreach (int b in byHeavy)
            {
                if (taken[b]) continue;
                int n = Past(magnitude, a, b, places);
                if (n < fewest) (best, fewest) = (b, n);
            }
            if (best < 0) { single = a; break; }
            taken[best] = true;
            pairs.Add((a, best));
        }
        var past = pairs.Select(p => PastSet(magnitude, p.A, p.B, places)).ToArray();
        var counts = past.Select(s => s.Count(x => x)).ToArray();
        var grouped = new bool[pairs.Count];
        var order = new List<int>(c);
        foreach (int i in Enumerable.Range(0, pairs.Count).OrderByDescending(i => counts[i]).ThenBy(i => i))
        {
            if (grouped[i]) continue;
            grouped[i] = true;
            int best = -1, most = -1;
            for (int k = 0; k < pairs.Count; k++)
            {
                if (grouped[k]) continue;
                int overlap = 0;
                for (int s = 0; s < places; s++) if (past[i][s] && past[k][s]) overlap++;
                if (overlap > most) (best, most) = (k, overlap);
            }
            order.Add(pairs[i].A);
            order.Add(pairs[i].B);
            if (best < 0) continue;
            grouped[best] = true;
            order.Add(pairs[best].A);
            order.Add(pairs[best].B);
        }
        if (single >= 0) order.Add(single);
        return [.. order];
    }

    /// <summary>How many (o, tap) of channels a and b add up past the bound.</summary>
    private static int Past(byte[] magnitude, int a, int b, int places)
    {
        int n = 0, ia = a * places, ib = b * places;
        for (int s = 0; s < places; s++) if (magnitude[ia + s] + magnitude[ib + s] > U8S8Pairs.Bound) n++;
        return n;
    }

    private static bool[] PastSet(byte[] magnitude, int a, int b, int places)
    {
        var set = new bool[places];
        for (int s = 0; s < places; s++) set[s] = magnitude[a * places + s] + magnitude[b * places + s] > U8S8Pairs.Bound;
        return set;
    }

    /// <summary>w [M, C, kH, kW] with its input channels in <paramref name="order"/>: channel i of the result is
    /// channel order[i] of <paramref name="w"/>.</summary>
    internal static sbyte[] Reordered(Int8ConvGeometry g, ReadOnlySpan<sbyte> w, int[] order)
    {
        int c = g.Channels, taps = g.KernelH * g.KernelW;
        var result = new sbyte[w.Length];
        for (int o = 0; o < g.OutChannels; o++)
            for (int i = 0; i < c; i++)
                w.Slice((o * c + order[i]) * taps, taps).CopyTo(result.AsSpan((o * c + i) * taps, taps));
        return result;
    }
}
