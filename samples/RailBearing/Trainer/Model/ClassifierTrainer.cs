using EdgeToken.Samples.RailBearing.Dataset;

namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>
/// Mini-batch training with softmax cross-entropy and Adam, single-threaded in a fixed order so the same
/// data and seed give bit-identical weights.
/// </summary>
public static class ClassifierTrainer
{
    public static BearingClassifier Train(FeatureSet training, TrainingOptions options, Action<int, double>? progress = null)
    {
        var random = new TrainingRandom(options.Seed);
        int[] sizes = [training.FeatureCount, .. options.HiddenSizes, BearingLabels.Count];
        var model = new BearingClassifier(FeatureScaling.Fit(training), sizes, random);
        var layers = model.Layers;
        var dWeights = layers.Select(l => new float[l.Weights.Length]).ToArray();
        var dBias = layers.Select(l => new float[l.Bias.Length]).ToArray();
        var adamWeights = layers.Select(l => new AdamOptimizer(l.Weights.Length)).ToArray();
        var adamBias = layers.Select(l => new AdamOptimizer(l.Bias.Length)).ToArray();
        var activations = model.NewActivations();
        var deltas = activations.Select(a => new float[a.Length]).ToArray();
        var probabilities = new float[model.ClassCount];
        var order = Enumerable.Range(0, training.Count).ToArray();
        var classWeights = ClassWeights(training);

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            double loss = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                int end = Math.Min(order.Length, start + options.BatchSize);
                foreach (var d in dWeights) Array.Clear(d);
                foreach (var d in dBias) Array.Clear(d);
                for (int k = start; k < end; k++)
                {
                    int row = order[k];
                    int label = training.Labels[row];
                    model.Forward(training.Row(row), activations, probabilities);
                    float weight = classWeights[label];
                    loss -= weight * Math.Log(Math.Max(probabilities[label], 1e-12f));
                    // d(cross-entropy)/d(logits) = p − onehot, scaled by the class weight.
                    for (int c = 0; c < probabilities.Length; c++) deltas[^1][c] = weight * (probabilities[c] - (c == label ? 1 : 0));
                    for (int l = layers.Length - 1; l >= 0; l--)
                    {
                        var dx = l > 0 ? deltas[l].AsSpan() : Span<float>.Empty;
                        layers[l].Backward(activations[l], deltas[l + 1], dWeights[l], dBias[l], dx);
                        if (l > 0)
                            for (int i = 0; i < dx.Length; i++) if (activations[l][i] <= 0) dx[i] = 0; // ReLU
                    }
                }
                float inverseBatch = 1f / (end - start);
                for (int l = 0; l < layers.Length; l++)
                {
                    for (int i = 0; i < dWeights[l].Length; i++) dWeights[l][i] *= inverseBatch;
                    for (int i = 0; i < dBias[l].Length; i++) dBias[l][i] *= inverseBatch;
                    adamWeights[l].Step(layers[l].Weights, dWeights[l], options.LearningRate, options.WeightDecay);
                    adamBias[l].Step(layers[l].Bias, dBias[l], options.LearningRate, 0);
                }
            }
            progress?.Invoke(epoch, loss / training.Count);
        }
        return model;
    }

    /// <summary>
    /// Loss weights that give healthy windows half of the total weight and split the other half evenly over the
    /// fault classes present. A false alarm on a wagon costs a maintenance visit, and healthy windows are the
    /// minority of the training set (every fault has three severities), so unweighted training flags too much.
    /// </summary>
    public static float[] ClassWeights(FeatureSet set)
    {
        var counts = new int[BearingLabels.Count];
        foreach (int label in set.Labels) counts[label]++;
        int faultClasses = counts.Skip(1).Count(c => c > 0);
        var weights = new float[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0) continue;
            double share = c == 0 ? 0.5 : 0.5 / faultClasses;
            weights[c] = (float)(share * set.Count / counts[c]);
        }
        return weights;
    }
}
