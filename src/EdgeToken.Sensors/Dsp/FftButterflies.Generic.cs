namespace EdgeToken.Sensors.Dsp;

internal static partial class FftButterflies
{
    /// <summary>Direct DFT butterfly for a small prime radix; the roots of unity of order r are W_N^(k·N/r).</summary>
    public static void Generic(in FftPass pass, int radix, Span<float> aRe, Span<float> aIm)
    {
        int s = pass.Stride;
        int m = pass.M;
        int n = pass.TwiddleRe.Length;
        int rootStep = n / radix;
        for (int p = 0; p < m; p++)
        {
            for (int q = 0; q < s; q++)
            {
                for (int k = 0; k < radix; k++)
                {
                    aRe[k] = pass.InRe[(s * (p + (k * m))) + q];
                    aIm[k] = pass.InIm[(s * (p + (k * m))) + q];
                }

                for (int j = 0; j < radix; j++)
                {
                    float sr = 0, si = 0;
                    for (int k = 0; k < radix; k++)
                    {
                        int t = (j * k % radix) * rootStep;
                        float ur = pass.TwiddleRe[t], ui = pass.TwiddleIm[t];
                        sr += (aRe[k] * ur) - (aIm[k] * ui);
                        si += (aRe[k] * ui) + (aIm[k] * ur);
                    }

                    int w = j * p * s;
                    float wr = pass.TwiddleRe[w], wi = pass.TwiddleIm[w];
                    int o = (s * ((radix * p) + j)) + q;
                    pass.OutRe[o] = (sr * wr) - (si * wi);
                    pass.OutIm[o] = (sr * wi) + (si * wr);
                }
            }
        }
    }
}
