namespace EdgeToken.Sensors.Dsp;

internal static partial class FftButterflies
{
    private static readonly float C1 = (float)Math.Cos(2 * Math.PI / 5);
    private static readonly float C2 = (float)Math.Cos(4 * Math.PI / 5);
    private static readonly float S1 = (float)Math.Sin(2 * Math.PI / 5);
    private static readonly float S2 = (float)Math.Sin(4 * Math.PI / 5);

    public static void Radix5(in FftPass pass)
    {
        int s = pass.Stride;
        int m = pass.M;
        float c1 = C1, c2 = C2, s1 = S1, s2 = S2;
        Span<float> wr = stackalloc float[5];
        Span<float> wi = stackalloc float[5];
        Span<float> br = stackalloc float[5];
        Span<float> bi = stackalloc float[5];
        for (int p = 0; p < m; p++)
        {
            for (int j = 1; j < 5; j++)
            {
                wr[j] = pass.TwiddleRe[j * p * s];
                wi[j] = pass.TwiddleIm[j * p * s];
            }

            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + (2 * m)), i3 = s * (p + (3 * m)), i4 = s * (p + (4 * m));
            int o0 = s * 5 * p;
            for (int q = 0; q < s; q++)
            {
                float a0r = pass.InRe[i0 + q], a0i = pass.InIm[i0 + q];
                float t1r = pass.InRe[i1 + q] + pass.InRe[i4 + q], t1i = pass.InIm[i1 + q] + pass.InIm[i4 + q];
                float d1r = pass.InRe[i1 + q] - pass.InRe[i4 + q], d1i = pass.InIm[i1 + q] - pass.InIm[i4 + q];
                float t2r = pass.InRe[i2 + q] + pass.InRe[i3 + q], t2i = pass.InIm[i2 + q] + pass.InIm[i3 + q];
                float d2r = pass.InRe[i2 + q] - pass.InRe[i3 + q], d2i = pass.InIm[i2 + q] - pass.InIm[i3 + q];
                br[0] = a0r + t1r + t2r;
                bi[0] = a0i + t1i + t2i;

                // b1,4 = a0 + c1·t1 + c2·t2 ∓ i(s1·d1 + s2·d2); b2,3 = a0 + c2·t1 + c1·t2 ∓ i(s2·d1 − s1·d2)
                float e1r = a0r + (c1 * t1r) + (c2 * t2r), e1i = a0i + (c1 * t1i) + (c2 * t2i);
                float f1r = (s1 * d1r) + (s2 * d2r), f1i = (s1 * d1i) + (s2 * d2i);
                float e2r = a0r + (c2 * t1r) + (c1 * t2r), e2i = a0i + (c2 * t1i) + (c1 * t2i);
                float f2r = (s2 * d1r) - (s1 * d2r), f2i = (s2 * d1i) - (s1 * d2i);
                br[1] = e1r + f1i; bi[1] = e1i - f1r;
                br[4] = e1r - f1i; bi[4] = e1i + f1r;
                br[2] = e2r + f2i; bi[2] = e2i - f2r;
                br[3] = e2r - f2i; bi[3] = e2i + f2r;

                pass.OutRe[o0 + q] = br[0];
                pass.OutIm[o0 + q] = bi[0];
                for (int j = 1; j < 5; j++)
                {
                    pass.OutRe[o0 + (j * s) + q] = (br[j] * wr[j]) - (bi[j] * wi[j]);
                    pass.OutIm[o0 + (j * s) + q] = (br[j] * wi[j]) + (bi[j] * wr[j]);
                }
            }
        }
    }
}
