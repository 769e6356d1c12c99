namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>
/// The rail-bearing model: feature scaling, then dense layers with ReLU between them, then softmax over the
/// classes (class 0 healthy). The anomaly score is 1 − p(healthy).
/// </summary>
public sealed class BearingClassifier
{
    public BearingClassifier(FeatureScaling scaling, int[] layerSizes, TrainingRandom random)
    {
        Scaling = scaling;
        Layers = new DenseLayer[layerSizes.Length - 1];
        for (int l = 0; l < Layers.Length; l++) Layers[l] = new DenseLayer(layerSizes[l], layerSizes[l + 1], random);
    }

    public FeatureScaling Scaling { get; }
    public DenseLayer[] Layers { get; }
    public int InputCount => Layers[0].Inputs;
    public int ClassCount => Layers[^1].Outputs;

    /// <summary>Activations of one forward pass: [0] the scaled input, then each layer's output (after ReLU for
    /// hidden layers, the logits for the last).</summary>
    public float[][] NewActivations()
    {
        var a = new float[Layers.Length + 1][];
        a[0] = new float[InputCount];
        for (int l = 0; l < Layers.Length; l++) a[l + 1] = new float[Layers[l].Outputs];
        return a;
    }

    /// <summary>Runs one window; <paramref name="probabilities"/> gets the softmax over the classes.</summary>
    public void Forward(ReadOnlySpan<float> features, float[][] activations, Span<float> probabilities)
    {
        Scaling.Apply(features, activations[0]);
        for (int l = 0; l < Layers.Length; l++)
        {
            Layers[l].Forward(activations[l], activations[l + 1]);
            if (l < Layers.Length - 1)
                for (int i = 0; i < activations[l + 1].Length; i++) activations[l + 1][i] = MathF.Max(0, activations[l + 1][i]);
        }
        Softmax(activations[^1], probabilities);
    }

    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits) max = MathF.Max(max, v);
        float sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += probabilities[i] = MathF.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++) probabilities[i] /= sum;
    }

    /// <summary>SHA-256 of every weight and scaling value, in order: the same seed must give the same hash.</summary>
    public string WeightHash()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(float[] values) => sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        Add(Scaling.Mean);
        Add(Scaling.InverseStd);
        foreach (var layer in Layers) { Add(layer.Weights); Add(layer.Bias); }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
