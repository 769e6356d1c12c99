namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>Feature vectors (row-major, one row per front-end window) with their class labels and the case each came from.</summary>
public sealed class FeatureSet(int featureCount)
{
    private readonly List<float> _features = [];
    private readonly List<int> _labels = [];
    private readonly List<BearingCase> _cases = [];

    public int FeatureCount => featureCount;
    public int Count => _labels.Count;
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<BearingCase> Cases => _cases;

    public ReadOnlySpan<float> Row(int i) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_features).Slice(i * featureCount, featureCount);

    public void Add(ReadOnlySpan<float> features, BearingCase source)
    {
        if (features.Length != featureCount) throw new ArgumentException($"expected {featureCount} features, got {features.Length}", nameof(features));
        foreach (float f in features) _features.Add(f);
        _labels.Add(source.Label);
        _cases.Add(source);
    }
}
