using System.Numerics;

namespace EdgeToken.Sensors.Dsp;

internal static partial class FftButterflies
{
    public static void Radix2(in FftPass pass)
    {
        int s = pass.Stride;
        int m = pass.M;
        for (int p = 0; p < m; p++)
        {
            float wr = pass.TwiddleRe[p * s], wi = pass.TwiddleIm[p * s];
            int i0 = s * p, i1 = s * (p + m), o0 = s * 2 * p, o1 = o0 + s;
            int q = 0;
            if (Vector.IsHardwareAccelerated && s >= Vector<float>.Count)
            {
                var vwr = new Vector<float>(wr);
                var vwi = new Vector<float>(wi);
                for (; q <= s - Vector<float>.Count; q += Vector<float>.Count)
                {
                    Vector<float> ar = Load(pass.InRe, i0 + q), ai = Load(pass.InIm, i0 + q);
                    Vector<float> br = Load(pass.InRe, i1 + q), bi = Load(pass.InIm, i1 + q);
                    Store(ar + br, pass.OutRe, o0 + q);
                    Store(ai + bi, pass.OutIm, o0 + q);
                    Vector<float> dr = ar - br, di = ai - bi;
                    Store((dr * vwr) - (di * vwi), pass.OutRe, o1 + q);
                    Store((dr * vwi) + (di * vwr), pass.OutIm, o1 + q);
                }
            }

            for (; q < s; q++)
            {
                float ar = pass.InRe[i0 + q], ai = pass.InIm[i0 + q];
                float br = pass.InRe[i1 + q], bi = pass.InIm[i1 + q];
                pass.OutRe[o0 + q] = ar + br;
                pass.OutIm[o0 + q] = ai + bi;
                float dr = ar - br, di = ai - bi;
                pass.OutRe[o1 + q] = (dr * wr) - (di * wi);
                pass.OutIm[o1 + q] = (dr * wi) + (di * wr);
            }
        }
    }
}
