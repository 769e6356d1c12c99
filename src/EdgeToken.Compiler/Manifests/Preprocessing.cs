namespace EdgeToken.Compiler.Manifests;

/// <summary>The manifest's input scaling and preprocessing chain folded into one affine map per channel,
/// model = raw * Scale[c] + Offset[c]. Every stage of this chain is affine, so folding them (in
/// double, once, at compile time) makes the generated loop one multiply-add per sample.</summary>
public sealed record PreprocessAffine(float[] Scale, float[] Offset)
{
    public bool IsIdentity => Scale.All(s => s == 1f) && Offset.All(o => o == 0f);

    public static PreprocessAffine Fold(SensorInput input, IReadOnlyList<PreprocessStep> steps)
    {
        int c = input.Channels;
        var a = Enumerable.Repeat(input.Scale, c).ToArray();
        var b = Enumerable.Repeat(input.Offset, c).ToArray();
        foreach (var step in steps)
        {
            for (int ch = 0; ch < c; ch++)
            {
                switch (step)
                {
                    case ScaleStep s:
                        a[ch] *= s.Factor;
                        b[ch] = b[ch] * s.Factor + s.Offset;
                        break;
                    case StandardizeStep z:
                        double mean = z.Mean.Length == 1 ? z.Mean[0] : z.Mean[ch];
                        double std = z.Std.Length == 1 ? z.Std[0] : z.Std[ch];
                        a[ch] /= std;
                        b[ch] = (b[ch] - mean) / std;
                        break;
                    default:
                        throw new InvalidOperationException($"preprocess step '{step.Op}' has no folding rule");
                }
            }
        }
        return new PreprocessAffine(a.Select(v => (float)v).ToArray(), b.Select(v => (float)v).ToArray());
    }

    /// <summary>The reference the generated code is tested against: raw interleaved frames in, the model's
    /// input tensor out (in <paramref name="layout"/> order).</summary>
    public void Apply(ReadOnlySpan<float> rawFrames, Span<float> modelInput, int window, InputLayout layout)
    {
        int c = Scale.Length;
        for (int t = 0; t < window; t++)
            for (int ch = 0; ch < c; ch++)
            {
                float v = rawFrames[t * c + ch] * Scale[ch] + Offset[ch];
                modelInput[layout == InputLayout.ChannelsLast ? t * c + ch : ch * window + t] = v;
            }
    }
}
