namespace EdgeToken.Sensors.Dsp;

internal static partial class FftButterflies
{
    private const float Sin60 = 0.866025403784438647f;

    public static void Radix3(in FftPass pass)
    {
        int s = pass.Stride;
        int m = pass.M;
        for (int p = 0; p < m; p++)
        {
            float w1r = pass.TwiddleRe[p * s], w1i = pass.TwiddleIm[p * s];
            float w2r = pass.TwiddleRe[2 * p * s], w2i = pass.TwiddleIm[2 * p * s];
            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + (2 * m));
            int o0 = s * 3 * p, o1 = o0 + s, o2 = o1 + s;
            for (int q = 0; q < s; q++)
            {
                float a0r = pass.InRe[i0 + q], a0i = pass.InIm[i0 + q];
                float a1r = pass.InRe[i1 + q], a1i = pass.InIm[i1 + q];
                float a2r = pass.InRe[i2 + q], a2i = pass.InIm[i2 + q];
                float tr = a1r + a2r, ti = a1i + a2i;
                float dr = a1r - a2r, di = a1i - a2i;
                float cr = a0r - (0.5f * tr), ci = a0i - (0.5f * ti);
                pass.OutRe[o0 + q] = a0r + tr;
                pass.OutIm[o0 + q] = a0i + ti;
                // b1 = c − i·(√3/2)·d, b2 = c + i·(√3/2)·d
                float b1r = cr + (Sin60 * di), b1i = ci - (Sin60 * dr);
                float b2r = cr - (Sin60 * di), b2i = ci + (Sin60 * dr);
                pass.OutRe[o1 + q] = (b1r * w1r) - (b1i * w1i);
                pass.OutIm[o1 + q] = (b1r * w1i) + (b1i * w1r);
                pass.OutRe[o2 + q] = (b2r * w2r) - (b2i * w2i);
                pass.OutIm[o2 + q] = (b2r * w2i) + (b2i * w2r);
            }
        }
    }
}
