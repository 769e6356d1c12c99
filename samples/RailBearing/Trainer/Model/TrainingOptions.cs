namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>Hyper-parameters of <see cref="ClassifierTrainer"/>; the defaults made the committed model.</summary>
public sealed record TrainingOptions
{
    public ulong Seed { get; init; } = 7;
    public int[] HiddenSizes { get; init; } = [32, 16];
    public int Epochs { get; init; } = 60;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 2e-3f;
    public float WeightDecay { get; init; } = 1e-4f;
}
