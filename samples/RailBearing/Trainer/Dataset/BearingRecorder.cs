using EdgeToken.Sensors.FrontEnd;
using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Samples.RailBearing.Dataset;

/// <summary>
/// Runs the machinery simulator for a <see cref="BearingCase"/> and passes its samples through the bearing
/// front end with the agent's settings (<see cref="BearingFrontEndOptions.Default"/>, three channels), so the
/// model is trained on exactly the features it sees on the wagon.
/// </summary>
public static class BearingRecorder
{
    public const double SampleRateHz = 20480;

    /// <summary>Instants per generated block (the agent's simulator source uses the same frame size).</summary>
    private const int BlockInstants = 1024;

    public static BearingFrontEndOptions FrontEnd => BearingFrontEndOptions.Default(SampleRateHz);

    public static int FeatureCount => FrontEnd.FeatureCount;

    public static MachineryOptions Machinery(BearingCase c)
    {
        BearingFault[] faults = c.Fault is { } kind ? [new BearingFault(kind, 0, 0, c.ImpactAmplitude)] : [];
        return MachineryOptions.AxleBox(c.Seed, faults) with { SampleRateHz = SampleRateHz, Shaft = RotatingShaft.Healthy(c.ShaftHz, c.Load) };
    }

    /// <param name="evidenceOnly">
    /// Leave out windows of a faulty bearing in which no impact happened. A cage defect strikes once per cage
    /// revolution (every 0.2-0.5 s at line speed), so most of its 0.1 s windows look exactly like a healthy
    /// bearing; labelled "cage" they would teach the model to flag healthy windows. Training uses true; the
    /// validation set keeps every window, so its figures include the windows without evidence.
    /// </param>
    public static FeatureSet Record(IEnumerable<BearingCase> cases, bool evidenceOnly)
    {
        var set = new FeatureSet(FeatureCount);
        foreach (var c in cases) Record(c, set, evidenceOnly);
        return set;
    }

    public static void Record(BearingCase c, FeatureSet into, bool evidenceOnly)
    {
        var simulator = new MachinerySimulator(Machinery(c));
        var frontEnd = new BearingFrontEnd(FrontEnd with { ChannelCount = simulator.ChannelCount });
        var block = new float[BlockInstants * simulator.ChannelCount];
        var features = new float[frontEnd.FeatureCount * 2];
        long instants = (long)(c.Seconds * SampleRateHz);
        long previousBlockImpacts = 0;
        for (long done = 0; done < instants; done += BlockInstants)
        {
            long before = simulator.ImpactCount;
            simulator.Generate(block);
            long blockImpacts = simulator.ImpactCount - before;
            // The block is one hop: the window completed by it spans this block and the previous one.
            bool evidence = c.Fault is null || blockImpacts + previousBlockImpacts > 0;
            previousBlockImpacts = blockImpacts;
            ReadOnlySpan<float> rest = block;
            while (!rest.IsEmpty)
            {
                var progress = frontEnd.Process(rest, features);
                for (int w = 0; w < progress.WindowsWritten; w++)
                    if (evidence || !evidenceOnly) into.Add(features.AsSpan(w * frontEnd.FeatureCount, frontEnd.FeatureCount), c);
                rest = rest[(progress.InstantsConsumed * simulator.ChannelCount)..];
                if (progress.InstantsConsumed == 0 && progress.WindowsWritten == 0) break;
            }
        }
    }
}
