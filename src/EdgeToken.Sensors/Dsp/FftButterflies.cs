using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

/// <summary>Stockham butterflies for <see cref="ComplexFft"/>.</summary>
/// <remarks>
/// Within a pass the twiddle depends only on <c>p</c>, so the <c>q</c> loop over interleaved
/// sub-transforms is a plain element-wise loop over contiguous memory. Radix 4 and 2, which carry
/// power-of-two lengths, run it on <see cref="Vector{T}"/> once the stride reaches a vector
/// (all passes after the first one or two); the early passes and radix 3/5 stay scalar because
/// their strides are too short to fill a vector.
/// </remarks>
internal static class FftButterflies
{
    private const float Sin60 = 0.866025403784438647f;
    private static readonly float C1 = (float)Math.Cos(2 * Math.PI / 5);
    private static readonly float C2 = (float)Math.Cos(4 * Math.PI / 5);
    private static readonly float S1 = (float)Math.Sin(2 * Math.PI / 5);
    private static readonly float S2 = (float)Math.Sin(4 * Math.PI / 5);

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

    public static void Radix4(in FftPass pass)
    {
        int s = pass.Stride;
        int m = pass.M;
        for (int p = 0; p < m; p++)
        {
            float w1r = pass.TwiddleRe[p * s], w1i = pass.TwiddleIm[p * s];
            float w2r = pass.TwiddleRe[2 * p * s], w2i = pass.TwiddleIm[2 * p * s];
            float w3r = pass.TwiddleRe[3 * p * s], w3i = pass.TwiddleIm[3 * p * s];
            int i0 = s * p, i1 = s * (p + m), i2 = s * (p + (2 * m)), i3 = s * (p + (3 * m));
            int o0 = s * 4 * p, o1 = o0 + s, o2 = o1 + s, o3 = o2 + s;
            int q = 0;
            if (Vector.IsHardwareAccelerated && s >= Vector<float>.Count)
            {
                Vector<float> v1r = new(w1r), v1i = new(w1i), v2r = new(w2r), v2i = new(w2i), v3r = new(w3r), v3i = new(w3i);
                for (; q <= s - Vector<float>.Count; q += Vector<float>.Count)
                {
                    Vector<float> a0r = Load(pass.InRe, i0 + q), a0i = Load(pass.InIm, i0 + q);
                    Vector<float> a1r = Load(pass.InRe, i1 + q), a1i = Load(pass.InIm, i1 + q);
                    Vector<float> a2r = Load(pass.InRe, i2 + q), a2i = Load(pass.InIm, i2 + q);
                    Vector<float> a3r = Load(pass.InRe, i3 + q), a3i = Load(pass.InIm, i3 + q);
                    Vector<float> t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
                    Vector<float> t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
                    Store(t0r + t2r, pass.OutRe, o0 + q);
                    Store(t0i + t2i, pass.OutIm, o0 + q);
                    Vector<float> b1r = t1r + t3i, b1i = t1i - t3r;
                    Vector<float> b2r = t0r - t2r, b2i = t0i - t2i;
                    Vector<float> b3r = t1r - t3i, b3i = t1i + t3r;
                    Store((b1r * v1r) - (b1i * v1i), pass.OutRe, o1 + q);
                    Store((b1r * v1i) + (b1i * v1r), pass.OutIm, o1 + q);
                    Store((b2r * v2r) - (b2i * v2i), pass.OutRe, o2 + q);
                    Store((b2r * v2i) + (b2i * v2r), pass.OutIm, o2 + q);
                    Store((b3r * v3r) - (b3i * v3i), pass.OutRe, o3 + q);
                    Store((b3r * v3i) + (b3i * v3r), pass.OutIm, o3 + q);
                }
            }

            for (; q < s; q++)
            {
                float a0r = pass.InRe[i0 + q], a0i = pass.InIm[i0 + q];
                float a1r = pass.InRe[i1 + q], a1i = pass.InIm[i1 + q];
                float a2r = pass.InRe[i2 + q], a2i = pass.InIm[i2 + q];
                float a3r = pass.InRe[i3 + q], a3i = pass.InIm[i3 + q];
                float t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
                float t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
                pass.OutRe[o0 + q] = t0r + t2r;
                pass.OutIm[o0 + q] = t0i + t2i;
                // b1 = t1 − i·t3, b3 = t1 + i·t3 (the radix-4 root of unity is −i).
                float b1r = t1r + t3i, b1i = t1i - t3r;
                float b2r = t0r - t2r, b2i = t0i - t2i;
                float b3r = t1r - t3i, b3i = t1i + t3r;
                pass.OutRe[o1 + q] = (b1r * w1r) - (b1i * w1i);
                pass.OutIm[o1 + q] = (b1r * w1i) + (b1i * w1r);
                pass.OutRe[o2 + q] = (b2r * w2r) - (b2i * w2i);
                pass.OutIm[o2 + q] = (b2r * w2i) + (b2i * w2r);
                pass.OutRe[o3 + q] = (b3r * w3r) - (b3i * w3i);
                pass.OutIm[o3 + q] = (b3r * w3i) + (b3i * w3r);
            }
        }
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ReadOnlySpan<float> source, int index) =>
        Vector.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, Span<float> destination, int index) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)index);
}
