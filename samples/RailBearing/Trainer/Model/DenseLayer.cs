namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>A fully connected layer y = W·x + b, W stored [outputs, inputs] (ONNX Gemm with transB = 1).</summary>
public sealed class DenseLayer
{
    public DenseLayer(int inputs, int outputs, TrainingRandom random)
    {
        Inputs = inputs;
        Outputs = outputs;
        Weights = new float[inputs * outputs];
        Bias = new float[outputs];
        // He initialisation: keeps the variance of ReLU activations steady from layer to layer.
        double scale = Math.Sqrt(2.0 / inputs);
        for (int i = 0; i < Weights.Length; i++) Weights[i] = (float)(random.NextGaussian() * scale);
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public float[] Weights { get; }
    public float[] Bias { get; }

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int o = 0; o < Outputs; o++)
        {
            var row = Weights.AsSpan(o * Inputs, Inputs);
            float sum = Bias[o];
            for (int i = 0; i < Inputs; i++) sum += row[i] * x[i];
            y[o] = sum;
        }
    }

    /// <summary>Accumulates dW and db for one sample and writes dx (when asked).</summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dWeights, Span<float> dBias, Span<float> dx)
    {
        if (!dx.IsEmpty) dx.Clear();
        for (int o = 0; o < Outputs; o++)
        {
            float g = dy[o];
            dBias[o] += g;
            if (g == 0) continue;
            var row = Weights.AsSpan(o * Inputs, Inputs);
            var dRow = dWeights.Slice(o * Inputs, Inputs);
            for (int i = 0; i < Inputs; i++)
            {
                dRow[i] += g * x[i];
                if (!dx.IsEmpty) dx[i] += g * row[i];
            }
        }
    }
}
