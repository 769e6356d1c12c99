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

    public static FeatureSet Record(IEnumerable<BearingCase> cases)
    {
        var set = new FeatureSet(FeatureCount);
        foreach (var c in cases) Record(c, set);
        return set;
    }

    public static void Record(BearingCase c, FeatureSet into)
    {
        var simulator = new MachinerySimulator(Machinery(c));
        var frontEnd = new BearingFrontEnd(FrontEnd with { ChannelCount = simulator.ChannelCount });
        var block = new float[BlockInstants * simulator.ChannelCount];
        var features = new float[frontEnd.FeatureCount * 2];
        long instants = (long)(c.Seconds * SampleRateHz);
        for (long done = 0; done < instants; done += BlockInstants)
        {
            simulator.Generate(block);
            ReadOnlySpan<float> rest = block;
            while (!rest.IsEmpty)
            {
                var progress = frontEnd.Process(rest, features);
                for (int w = 0; w < progress.WindowsWritten; w++)
                    into.Add(features.AsSpan(w * frontEnd.FeatureCount, frontEnd.FeatureCount), c);
                rest = rest[(progress.InstantsConsumed * simulator.ChannelCount)..];
                if (progress.InstantsConsumed == 0 && progress.WindowsWritten == 0) break;
            }
        }
    }
}
