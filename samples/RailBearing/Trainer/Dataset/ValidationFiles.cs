using System.Globalization;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>The held-out set as the manifest's optimization section reads it (docs/quantization.md): every window's
/// features as raw little-endian float32, and one class index per line, so `dotnet build` can hold the int8 model
/// to an accuracy budget on data the trainer never saw.</summary>
public static class ValidationFiles
{
    public static void Write(FeatureSet set, string featuresPath, string labelsPath)
    {
        CalibrationSamples.Write(set, featuresPath, set.Count);
        using var labels = new StreamWriter(labelsPath) { NewLine = "\n" };
        labels.WriteLine("# class index per validation window: 0 healthy, 1 outer, 2 inner, 3 ball, 4 cage");
        foreach (int label in set.Labels) labels.WriteLine(label.ToString(CultureInfo.InvariantCulture));
    }
}
