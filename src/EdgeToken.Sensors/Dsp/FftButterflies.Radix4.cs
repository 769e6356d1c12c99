using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeToken.Sensors.Dsp;

internal static partial class FftButterflies
{
    public static void Radix4(in FftPass pass)
    {
        int s = pass.Stride;
        int m = pass.M;
        ref float inRe = ref MemoryMarshal.GetReference(pass.InRe);
        ref float inIm = ref MemoryMarshal.GetReference(pass.InIm);
        ref float outRe = ref MemoryMarshal.GetReference(pass.OutRe);
        ref float outIm = ref MemoryMarshal.GetReference(pass.OutIm);
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

            // Scalar tail (and the whole of the short-stride passes) on refs: in the first passes this loop
            // runs once per butterfly, and span bounds checks would cost as much as the arithmetic.
            // Indices are in range by construction (ComplexFft checks every span is N long).
            for (; q < s; q++)
            {
                float a0r = Unsafe.Add(ref inRe, i0 + q), a0i = Unsafe.Add(ref inIm, i0 + q);
                float a1r = Unsafe.Add(ref inRe, i1 + q), a1i = Unsafe.Add(ref inIm, i1 + q);
                float a2r = Unsafe.Add(ref inRe, i2 + q), a2i = Unsafe.Add(ref inIm, i2 + q);
                float a3r = Unsafe.Add(ref inRe, i3 + q), a3i = Unsafe.Add(ref inIm, i3 + q);
                float t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
                float t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
                Unsafe.Add(ref outRe, o0 + q) = t0r + t2r;
                Unsafe.Add(ref outIm, o0 + q) = t0i + t2i;
                // b1 = t1 − i·t3, b3 = t1 + i·t3 (the radix-4 root of unity is −i).
                float b1r = t1r + t3i, b1i = t1i - t3r;
                float b2r = t0r - t2r, b2i = t0i - t2i;
                float b3r = t1r - t3i, b3i = t1i + t3r;
                Unsafe.Add(ref outRe, o1 + q) = (b1r * w1r) - (b1i * w1i);
                Unsafe.Add(ref outIm, o1 + q) = (b1r * w1i) + (b1i * w1r);
                Unsafe.Add(ref outRe, o2 + q) = (b2r * w2r) - (b2i * w2i);
                Unsafe.Add(ref outIm, o2 + q) = (b2r * w2i) + (b2i * w2r);
                Unsafe.Add(ref outRe, o3 + q) = (b3r * w3r) - (b3i * w3i);
                Unsafe.Add(ref outIm, o3 + q) = (b3r * w3i) + (b3i * w3r);
            }
        }
    }
}
