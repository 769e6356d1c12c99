using EdgeToken.Sensors.Machinery;

namespace EdgeToken.Cli.Demo;

/// <summary>
/// Draws the fleet from the seed: each train runs at its own line speed, and each bearing fails with
/// <see cref="DemoOptions.FaultShare"/> probability, with a random defect, onset and severity.
/// </summary>
public static class FleetScenario
{
    public static string DeviceId(int train, int wagon) => $"train{train + 1}-wagon{wagon + 1}";

    public static List<BearingTruth> Create(DemoOptions options)
    {
        // System.Random with a seed is the legacy subtractive generator, fixed across .NET versions.
        var random = new Random(options.Seed);
        double span = options.SimulatedSeconds;
        var kinds = Enum.GetValues<BearingFaultKind>();
        var bearings = new List<BearingTruth>();
        for (int t = 0; t < options.Trains; t++)
        {
            // 6-18 Hz is 60-190 km/h on 920 mm wheels: any speed, not just the trainer's whole-hertz grid.
            double shaftHz = Math.Round(6 + (12 * random.NextDouble()), 2);
            for (int w = 0; w < options.Wagons; w++)
            {
                for (int a = 0; a < options.Axles; a++)
                {
                    bool fails = random.NextDouble() < options.FaultShare;
                    var kind = kinds[random.Next(kinds.Length)];
                    // Onsets in the first half, growth over a fifth of the run: every fault is fully grown before the end.
                    double onset = span * (0.1 + (0.4 * random.NextDouble()));
                    double amplitude = Math.Round(0.3 + (0.7 * random.NextDouble()), 2);
                    ulong seed = (ulong)random.NextInt64(1, long.MaxValue);
                    bearings.Add(new BearingTruth(DeviceId(t, w), $"axle{a + 1}", shaftHz, fails ? kind : null, fails ? onset : null,
                        span * 0.2, amplitude, seed));
                }
            }
        }
        return bearings;
    }
}
