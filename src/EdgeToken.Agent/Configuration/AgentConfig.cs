namespace EdgeToken.Agent.Configuration;

/// <summary>agent.json, validated (see <see cref="AgentConfigReader"/> and docs/agent.md).</summary>
public sealed record AgentConfig(
    string DeviceId,
    IReadOnlyList<SourceConfig> Sources,
    IReadOnlyList<PipelineConfig> Pipelines,
    TimeSpan SummaryInterval,
    TimeSpan HeartbeatInterval,
    OutboxConfig Outbox,
    UplinkConfig Uplink);

/// <summary>A sensor source. <c>simulator</c>: the bearing machinery simulator (optionally with a fault);
/// <c>serial</c>: COBS + CRC-16 frames on a serial port; <c>replay</c>: a CSV or WAV recording;
/// <c>i2c</c>: a LIS3DH accelerometer on an I2C bus.</summary>
public sealed record SourceConfig(string Name, string Kind, double SampleRateHz, ulong Seed, bool RealTime, double? FaultOnsetSeconds, int RingFrames)
{
    public string? Port { get; init; }
    public int BaudRate { get; init; } = 921_600;
    public int Channels { get; init; } = 3;
    public double Int16Scale { get; init; } = 1;

    /// <summary>replay: the recording (.csv or .wav), absolute. Its <see cref="SampleRateHz"/> is the file's.</summary>
    public string? Path { get; init; }

    /// <summary>i2c: the bus number (<c>/dev/i2c-{Bus}</c>) and the chip's 7-bit address.</summary>
    public int Bus { get; init; } = 1;
    public int Address { get; init; } = 0x18;

    /// <summary>i2c: the LIS3DH's range in g (2, 4, 8 or 16).</summary>
    public int FullScaleG { get; init; } = 4;

    /// <summary>Simulator: axle rotation rate in Hz (sets the fault frequencies).</summary>
    public double ShaftHz { get; init; } = 10;

    /// <summary>Simulator: where the defect that starts at <see cref="FaultOnsetSeconds"/> sits.</summary>
    public Sensors.Machinery.BearingFaultKind FaultKind { get; init; } = Sensors.Machinery.BearingFaultKind.OuterRace;

    /// <summary>Simulator: seconds for the defect to grow from nothing to <see cref="FaultAmplitude"/>.</summary>
    public double FaultGrowthSeconds { get; init; } = 30;

    /// <summary>Simulator: peak impact acceleration (g) of the fully grown defect.</summary>
    public double FaultAmplitude { get; init; } = 1.0;

    /// <summary>Simulator with <see cref="RealTime"/>: sensor seconds per wall second (a demo runs days of wear in minutes).</summary>
    public double Speedup { get; init; } = 1;

    /// <summary>Simulator: a pipeline that falls behind holds the simulator back instead of losing frames. A
    /// simulation has no real time to keep up with, and a lost frame would put a step into the next window.</summary>
    public bool Lossless { get; init; }
}

/// <summary>A pipeline bound to a source: an .etplan file run by the plan executor, or a pipeline class the
/// host application registered under <see cref="Type"/>.</summary>
public sealed record PipelineConfig(string Name, string Source, string? Plan, string? Type, double Threshold, int DebounceWindows, string[]? Labels, int ContextLength)
{
    /// <summary>The debounce looks at this many recent windows and changes state when <see cref="DebounceWindows"/> of
    /// them disagree with it; 0 (the default) means <see cref="DebounceWindows"/>, i.e. that many in a row.</summary>
    public int DebounceSpan { get; init; }
}

public sealed record OutboxConfig(string Path, long DiskBudgetBytes);

public sealed record UplinkConfig(HttpUplinkConfig? Http, MqttUplinkConfig? Mqtt, TimeSpan MaxBackoff, long? BandwidthBytesPerSecond);

/// <param name="ClientCertificate">PEM client certificate (absolute path), with <paramref name="ClientKey"/> unless the key is in the same file.</param>
public sealed record HttpUplinkConfig(Uri Collector, string? Token, bool Gzip, string? ClientCertificate, string? ClientKey)
{
    /// <summary>PEM certificate(s) trusted for the collector instead of the system's store (absolute path).</summary>
    public string? CaCertificate { get; init; }
}

public sealed record MqttUplinkConfig(string Host, int Port, string? Username, string? Password, bool Tls)
{
    public string? CaCertificate { get; init; }
    public string? ClientCertificate { get; init; }
    public string? ClientKey { get; init; }
}

/// <summary>agent.json is wrong: every problem, each naming its key by JSON path.</summary>
public sealed class AgentConfigException(string file, IReadOnlyList<string> problems)
    : Exception($"{file}: {problems.Count} problem(s) in the agent configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
