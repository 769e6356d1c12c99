using EdgeToken.Samples.RailBearing.Dataset;

namespace EdgeToken.Samples.RailBearing.Evaluation;

/// <summary>Per-window figures of a classifier on a labelled set.</summary>
/// <param name="Accuracy">Windows whose top class is the true class.</param>
/// <param name="Recall">Per class (in <see cref="BearingLabels.Names"/> order): windows of that class recognised as it.</param>
/// <param name="Confusion">[true][predicted] window counts.</param>
/// <param name="AnomalyThreshold">The anomaly score (1 − p(healthy)) at or above which a window counts as faulty.</param>
/// <param name="AnomalyDetectionRate">Faulty windows with an anomaly score at or above the threshold, whatever class won.</param>
/// <param name="FalseAlarmRate">Healthy windows with an anomaly score at or above the threshold.</param>
public sealed record ClassificationMetrics(int Windows, double Accuracy, double[] Recall, int[][] Confusion,
    double AnomalyThreshold, double AnomalyDetectionRate, double FalseAlarmRate)
{
    /// <param name="classify">Writes the class probabilities of one feature vector.</param>
    public static ClassificationMetrics Measure(FeatureSet set, Action<ReadOnlySpan<float>, Span<float>> classify, double threshold)
    {
        int classes = BearingLabels.Count;
        var confusion = new int[classes][];
        for (int c = 0; c < classes; c++) confusion[c] = new int[classes];
        var p = new float[classes];
        int faulty = 0, detected = 0, healthy = 0, alarms = 0;
        for (int r = 0; r < set.Count; r++)
        {
            classify(set.Row(r), p);
            int top = 0;
            for (int c = 1; c < classes; c++) if (p[c] > p[top]) top = c;
            int label = set.Labels[r];
            confusion[label][top]++;
            bool anomalous = 1 - p[0] >= threshold;
            if (label == 0) { healthy++; if (anomalous) alarms++; }
            else { faulty++; if (anomalous) detected++; }
        }
        int correct = 0;
        var recall = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            correct += confusion[c][c];
            int total = confusion[c].Sum();
            recall[c] = total == 0 ? double.NaN : (double)confusion[c][c] / total;
        }
        return new ClassificationMetrics(set.Count, (double)correct / set.Count, recall, confusion, threshold,
            faulty == 0 ? double.NaN : (double)detected / faulty, healthy == 0 ? double.NaN : (double)alarms / healthy);
    }

    public void Print(string title, TextWriter output)
    {
        output.WriteLine($"{title}: {Windows} windows, accuracy {Accuracy:P1}, anomaly >= {AnomalyThreshold}: detected {AnomalyDetectionRate:P1} of faulty windows, false alarms {FalseAlarmRate:P2} of healthy windows");
        output.WriteLine("  recall  " + string.Join("  ", BearingLabels.Names.Select((n, i) => $"{n} {Recall[i]:P1}")));
    }
}
