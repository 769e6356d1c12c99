namespace EdgeToken.Cli.Demo;

/// <summary>What <c>edgetoken demo</c> simulates and for how long.</summary>
public sealed record DemoOptions
{
    public int Trains { get; init; } = 2;
    public int Wagons { get; init; } = 2;
    /// <summary>Axle-box sensors per wagon (one agent per wagon, one pipeline per axle).</summary>
    public int Axles { get; init; } = 4;
    /// <summary>Wall-clock seconds the demo runs.</summary>
    public double DurationSeconds { get; init; } = 120;
    /// <summary>Sensor seconds per wall second.</summary>
    public double Speedup { get; init; } = 10;
    /// <summary>HTTP port of the collector and dashboard on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; } = 5080;
    public int Seed { get; init; } = 1;
    /// <summary>Share of bearings that develop a fault during the run.</summary>
    public double FaultShare { get; init; } = 0.5;
    /// <summary>Windows the anomaly must hold before an alert (the agent's debounce)...</summary>
    public int Debounce { get; init; } = 10;
    /// <summary>...counted among this many recent windows (20: half of one second of sensor time must alert; a
    /// cage defect's sparse impacts never give 10 in a row).</summary>
    public int DebounceSpan { get; init; } = 20;
    public double Threshold { get; init; } = 0.5;
    /// <summary>Run the int8 plan (quantized at start from the sample's calibration windows) instead of float32.</summary>
    public bool Int8 { get; init; }
    /// <summary>Wall seconds between progress lines.</summary>
    public double ReportEverySeconds { get; init; } = 5;

    public double SimulatedSeconds => DurationSeconds * Speedup;

    /// <summary>Every problem with the options, as the command line names them.</summary>
    public IEnumerable<string> Problems()
    {
        if (Trains is < 1 or > 100) yield return $"--trains {Trains}: expected 1 to 100";
        if (Wagons is < 1 or > 100) yield return $"--wagons {Wagons}: expected 1 to 100";
        if (Axles is < 1 or > 16) yield return $"--axles {Axles}: expected 1 to 16";
        if (!(DurationSeconds > 0)) yield return $"--duration {DurationSeconds}: expected a positive number of seconds";
        if (!(Speedup is >= 0.1 and <= 1000)) yield return $"--speedup {Speedup}: expected 0.1 to 1000";
        if (Port is < 0 or > 65535) yield return $"--port {Port}: expected 0 (any free port) to 65535";
        if (!(FaultShare is >= 0 and <= 1)) yield return $"--fault-share {FaultShare}: expected 0 to 1";
        if (Debounce is < 1 or > 1000) yield return $"--debounce {Debounce}: expected 1 to 1000";
        if (DebounceSpan < Debounce || DebounceSpan > 10_000) yield return $"--debounce-span {DebounceSpan}: expected {Debounce} (--debounce) to 10000";
        if (!(Threshold is > 0 and < 1)) yield return $"--threshold {Threshold}: expected a number between 0 and 1";
    }
}
