using EdgeToken.Samples.RailBearing.Dataset;

namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>
/// What the model does to the front end's features before its first layer: z = (log(|x| + ε) − mean) · invStd.
/// Band energies span many decades (a spall raises the envelope bands a hundredfold), so they are compared on a
/// log scale; mean and invStd come from the training set. The ONNX export writes the same steps as nodes.
/// </summary>
public sealed record FeatureScaling(float[] Mean, float[] InverseStd)
{
    /// <summary>Keeps log finite for an all-zero band; far below any energy the simulator's noise floor produces.</summary>
    public const float Epsilon = 1e-9f;

    public static float Log(float x) => MathF.Log(MathF.Abs(x) + Epsilon);

    public static FeatureScaling Fit(FeatureSet set)
    {
        int n = set.FeatureCount;
        var sum = new double[n];
        var squares = new double[n];
        for (int r = 0; r < set.Count; r++)
        {
            var row = set.Row(r);
            for (int i = 0; i < n; i++)
            {
                double v = Log(row[i]);
                sum[i] += v;
                squares[i] += v * v;
            }
        }
        var mean = new float[n];
        var inverse = new float[n];
        for (int i = 0; i < n; i++)
        {
            double m = sum[i] / set.Count;
            double variance = Math.Max((squares[i] / set.Count) - (m * m), 0);
            mean[i] = (float)m;
            // A feature that never varies (it cannot, on this data) is passed as 0 rather than blown up.
            inverse[i] = variance > 1e-12 ? (float)(1 / Math.Sqrt(variance)) : 0f;
        }
        return new FeatureScaling(mean, inverse);
    }

    public void Apply(ReadOnlySpan<float> features, Span<float> scaled)
    {
        for (int i = 0; i < features.Length; i++) scaled[i] = (Log(features[i]) - Mean[i]) * InverseStd[i];
    }
}
