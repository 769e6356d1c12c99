using System.Numerics;

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
            int q = 0;
            if (Vector.IsHardwareAccelerated && s >= Vector<float>.Count)
            {
                q = Radix5Vectorised(pass, wr, wi, i0, i1, i2, i3, i4, o0);
            }

            for (; q < s; q++)
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

    /// <summary>The q loop of one radix-5 butterfly group on vectors; returns the first q left for the scalar tail.</summary>
    private static int Radix5Vectorised(in FftPass pass, ReadOnlySpan<float> wr, ReadOnlySpan<float> wi, int i0, int i1, int i2, int i3, int i4, int o0)
    {
        int s = pass.Stride;
        Vector<float> c1 = new(C1), c2 = new(C2), s1 = new(S1), s2 = new(S2);
        Vector<float> w1r = new(wr[1]), w1i = new(wi[1]), w2r = new(wr[2]), w2i = new(wi[2]);
        Vector<float> w3r = new(wr[3]), w3i = new(wi[3]), w4r = new(wr[4]), w4i = new(wi[4]);
        int q = 0;
        for (; q <= s - Vector<float>.Count; q += Vector<float>.Count)
        {
            Vector<float> a0r = Load(pass.InRe, i0 + q), a0i = Load(pass.InIm, i0 + q);
            Vector<float> a1r = Load(pass.InRe, i1 + q), a1i = Load(pass.InIm, i1 + q);
            Vector<float> a2r = Load(pass.InRe, i2 + q), a2i = Load(pass.InIm, i2 + q);
            Vector<float> a3r = Load(pass.InRe, i3 + q), a3i = Load(pass.InIm, i3 + q);
            Vector<float> a4r = Load(pass.InRe, i4 + q), a4i = Load(pass.InIm, i4 + q);
            Vector<float> t1r = a1r + a4r, t1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
            Vector<float> t2r = a2r + a3r, t2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;
            Store(a0r + t1r + t2r, pass.OutRe, o0 + q);
            Store(a0i + t1i + t2i, pass.OutIm, o0 + q);
            Vector<float> e1r = a0r + (c1 * t1r) + (c2 * t2r), e1i = a0i + (c1 * t1i) + (c2 * t2i);
            Vector<float> f1r = (s1 * d1r) + (s2 * d2r), f1i = (s1 * d1i) + (s2 * d2i);
            Vector<float> e2r = a0r + (c2 * t1r) + (c1 * t2r), e2i = a0i + (c2 * t1i) + (c1 * t2i);
            Vector<float> f2r = (s2 * d1r) - (s1 * d2r), f2i = (s2 * d1i) - (s1 * d2i);
            Rotate(e1r + f1i, e1i - f1r, w1r, w1i, pass, o0 + s + q);
            Rotate(e2r + f2i, e2i - f2r, w2r, w2i, pass, o0 + (2 * s) + q);
            Rotate(e2r - f2i, e2i + f2r, w3r, w3i, pass, o0 + (3 * s) + q);
            Rotate(e1r - f1i, e1i + f1r, w4r, w4i, pass, o0 + (4 * s) + q);
        }

        return q;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Rotate(Vector<float> br, Vector<float> bi, Vector<float> wr, Vector<float> wi, in FftPass pass, int index)
    {
        Store((br * wr) - (bi * wi), pass.OutRe, index);
        Store((br * wi) + (bi * wr), pass.OutIm, index);
    }
}
