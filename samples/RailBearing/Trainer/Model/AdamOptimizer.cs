namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>Adam (Kingma and Ba, 2015) for one parameter array, with the usual β1 = 0.9, β2 = 0.999.</summary>
public sealed class AdamOptimizer(int length)
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
    private readonly float[] _m = new float[length];
    private readonly float[] _v = new float[length];
    private int _step;

    /// <summary>One update of <paramref name="parameters"/> with the mean gradient <paramref name="gradient"/>.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float weightDecay)
    {
        _step++;
        float correction1 = 1 - MathF.Pow(Beta1, _step);
        float correction2 = 1 - MathF.Pow(Beta2, _step);
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradient[i] + (weightDecay * parameters[i]);
            _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
            _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
            parameters[i] -= learningRate * (_m[i] / correction1) / (MathF.Sqrt(_v[i] / correction2) + Epsilon);
        }
    }
}
