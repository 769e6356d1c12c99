namespace EdgeToken.Compiler.Quantization;

/// <summary>The KL-divergence threshold: a histogram of |x| in 2048 bins; for each candidate threshold (bin 128 onwards)
/// the distribution P of the bins below it, with the mass beyond folded into the last bin, is compared with Q, the same
/// bins without the folded mass merged into 128 levels and spread back uniformly over the bins where P is not empty. The threshold with the smallest
/// KL(P‖Q) is the range: it trades clipping error against rounding error.</summary>
/// <remarks>128 levels because a symmetric int8 range has 128 steps on each side of zero; 2048 bins as in the method's
/// common description (NVIDIA's 8-bit inference talk, 2017), fine enough that the choice is not limited by binning.</remarks>
public static class EntropyCalibration
{
    private const int Bins = 2048;
    private const int Levels = 128;

    /// <summary>The threshold for the values (sorted or not).</summary>
    public static float Threshold(IReadOnlyList<float> values)
    {
        float max = 0;
        foreach (var v in values) max = Math.Max(max, Math.Abs(v));
        if (max == 0) return 0;
        var hist = new double[Bins];
        double width = max / Bins;
        foreach (var v in values) hist[Math.Min((int)(Math.Abs(v) / width), Bins - 1)]++;

        int best = Bins;
        double bestKl = double.MaxValue;
        var p = new double[Bins];
        var q = new double[Bins];
        for (int i = Levels; i <= Bins; i++)
        {
            Array.Copy(hist, p, i);
            double outliers = 0;
            for (int j = i; j < Bins; j++) outliers += hist[j];
            p[i - 1] += outliers;
            // Q: the first i bins merged into Levels groups, each group's mass spread over its non-empty bins.
            Array.Clear(q, 0, i);
            double binsPerLevel = (double)i / Levels;
            for (int l = 0; l < Levels; l++)
            {
                int start = (int)Math.Floor(l * binsPerLevel), end = l == Levels - 1 ? i : (int)Math.Floor((l + 1) * binsPerLevel);
                double mass = 0; int nonEmpty = 0;
                for (int j = start; j < end; j++) { mass += hist[j]; if (p[j] > 0) nonEmpty++; }
                if (nonEmpty == 0) continue;
                for (int j = start; j < end; j++) if (p[j] > 0) q[j] = mass / nonEmpty;
            }
            double kl = Divergence(p, q, i);
            if (kl < bestKl) { bestKl = kl; best = i; }
        }
        return (float)((best + 0.5) * width);
    }

    private static double Divergence(double[] p, double[] q, int n)
    {
        double sp = 0, sq = 0;
        for (int j = 0; j < n; j++) { sp += p[j]; sq += q[j]; }
        if (sp == 0 || sq == 0) return double.MaxValue;
        double kl = 0;
        for (int j = 0; j < n; j++)
        {
            if (p[j] == 0) continue;
            double pj = p[j] / sp;
            double qj = q[j] / sq;
            // A bin Q leaves empty while P has mass (the folded outliers) is smoothed rather than made infinite.
            kl += pj * Math.Log(pj / Math.Max(qj, 1e-12));
        }
        return kl;
    }
}
