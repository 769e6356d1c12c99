using System.Diagnostics;
using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Outbox;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Sources;
using EdgeToken.Agent.Uplinks;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Hosting;

/// <summary>
/// The whole agent for one device: sources -> pipeline runners -> outbox -> uplink sender, plus birth,
/// heartbeats and death. <see cref="Start"/> opens the outbox and records the birth; <see cref="StopAsync"/>
/// stops the sources, lets every pipeline finish its last interval, records the death and flushes the outbox
/// upstream for a few seconds (what does not make it stays on disk for the next start).
/// </summary>
public sealed class EdgeTokenAgent : IAsyncDisposable
{
    public static readonly string AgentVersion = typeof(EdgeTokenAgent).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private readonly AgentConfig _config;
    private readonly PipelineRegistry _registry;
    private readonly ILogger _logger;
    private readonly List<ISensorSource> _sources = [];
    private readonly List<PipelineRunner> _runners = [];
    private readonly Stopwatch _uptime = new();
    private readonly CancellationTokenSource _stop = new();
    private AgentOutbox? _outbox;
    private IUplink? _uplink;
    private Task _sending = Task.CompletedTask, _heartbeats = Task.CompletedTask;
    private bool _stopped;

    public EdgeTokenAgent(AgentConfig config, PipelineRegistry registry, ILogger logger)
    {
        _config = config;
        _registry = registry;
        _logger = logger;
    }

    public AgentOutbox Outbox => _outbox ?? throw new InvalidOperationException("the agent has not started");
    public UplinkSender? Sender { get; private set; }
    public IReadOnlyList<PipelineRunner> Pipelines => _runners;

    /// <summary>The sensor sources, once started (in the order of the configuration's sources).</summary>
    public IReadOnlyList<ISensorSource> Sources => _sources;

    /// <summary>Raw sensor bytes the pipelines consumed (4 bytes per token: one float32 sample of one channel).</summary>
    public long RawBytesProcessed => _runners.Sum(r => r.Metrics.Tokens) * sizeof(float);

    public void Start()
    {
        _uptime.Start();
        var sourcesByName = new Dictionary<string, ISensorSource>(StringComparer.Ordinal);
        for (int i = 0; i < _config.Sources.Count; i++)
            sourcesByName[_config.Sources[i].Name] = OpenSource(_config.Sources[i], i);
        foreach (var p in _config.Pipelines)
        {
            var source = sourcesByName[p.Source];
            bool lossless = _config.Sources.First(s => s.Name == p.Source).Lossless;
            var (pipeline, classes) = p.Plan is not null ? LoadPlan(p.Plan) : _registry.Create(p.Type!);
            // A recording played flat out has no clock to go by: its summary intervals are measured in samples.
            _runners.Add(new PipelineRunner(p, pipeline, source.Subscribe(lossless), source.SampleRateHz, source.ChannelCount,
                _config.SummaryInterval, Produce, classes, dataTimeIntervals: source is ReplaySource { RealTime: false }, sourceHealth: () => source.Health));
        }
        _sources.AddRange(sourcesByName.Values);

        _outbox = AgentOutbox.Open(new OutboxOptions { Directory = _config.Outbox.Path, DiskBudgetBytes = _config.Outbox.DiskBudgetBytes });
        _uplink = CreateUplink();
        Sender = new UplinkSender(_outbox, _uplink, _config.DeviceId,
            new UplinkSenderOptions { MaxBackoff = _config.Uplink.MaxBackoff, BandwidthBytesPerSecond = _config.Uplink.BandwidthBytesPerSecond }, _logger);
        Produce(new UplinkRecord(0, RecordKind.Birth, DateTimeOffset.UtcNow, Lifecycle: LifecyclePayload.Birth(AgentVersion, "started")));
        _sending = Task.Run(() => Sender.RunAsync(_stop.Token));
        _heartbeats = Task.Run(HeartbeatLoop);
        foreach (var r in _runners) r.Start();
        foreach (var s in _sources) s.Start();
        _logger.LogInformation("agent {Device}: {Pipelines} pipeline(s) on {Sources} source(s), outbox {Outbox} holds {Backlog} record(s), uplink {Uplink}",
            _config.DeviceId, _runners.Count, _sources.Count, _config.Outbox.Path, _outbox.Count, _uplink.Name);
    }

    public async Task StopAsync(TimeSpan flushWithin)
    {
        if (_stopped || _outbox is null) return;
        _stopped = true;
        foreach (var s in _sources) s.Stop();
        foreach (var r in _runners) r.Stop();
        _stop.Cancel();
        await Task.WhenAll(_sending, _heartbeats).ConfigureAwait(false);
        Produce(new UplinkRecord(0, RecordKind.Death, DateTimeOffset.UtcNow, Lifecycle: LifecyclePayload.Death(AgentVersion, "stopped", graceful: true)));
        bool flushed = await Sender!.DrainAsync(flushWithin).ConfigureAwait(false);
        _logger.LogInformation("agent {Device} stopped: {Backlog} record(s) left in the outbox{Note}; raw {Raw} bytes, uplink {Sent} bytes",
            _config.DeviceId, _outbox.Count, flushed ? "" : " (link unavailable, kept for the next start)", RawBytesProcessed, Sender.Statistics.Bytes);
    }

    /// <summary>Opens I2C devices; tests put a simulated chip here.</summary>
    internal Func<SourceConfig, System.Device.I2c.I2cDevice> OpenI2cDevice { get; set; } =
        s => System.Device.I2c.I2cDevice.Create(new System.Device.I2c.I2cConnectionSettings(s.Bus, s.Address));

    private ISensorSource OpenSource(SourceConfig s, int index)
    {
        switch (s.Kind)
        {
            case "serial":
                return new SerialSource(s.Name, Sensors.Serial.SerialSensorSource.SerialPortOpener(s.Port!, s.BaudRate), s.SampleRateHz, s.Channels, int16Scale: (float)s.Int16Scale);
            case "replay":
                return new ReplaySource(s.Name, s.Path!, s.RealTime, s.SampleRateHz);
            case "i2c":
                try
                {
                    return new Lis3dhSource(s.Name, OpenI2cDevice(s), SourceChecks.Lis3dhRate(s.SampleRateHz)!.Value, SourceChecks.Lis3dhScale(s.FullScaleG)!.Value);
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    // A missing bus, no permission for /dev/i2c-N, or another chip at the address: a configuration problem, named.
                    throw new AgentConfigException("agent.json", [$"$.sources[{index}].bus: cannot open the LIS3DH on I2C bus {s.Bus} at address 0x{s.Address:X2}: {e.Message}"]);
                }
            default:
                return new SimulatorSource(s);
        }
    }

    private void Produce(UplinkRecord draft) => _outbox!.Append(draft);

    private async Task HeartbeatLoop()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_config.HeartbeatInterval, _stop.Token).ConfigureAwait(false);
                Produce(new UplinkRecord(0, RecordKind.Heartbeat, DateTimeOffset.UtcNow, Heartbeat: new HeartbeatPayload(AgentVersion,
                    _runners.ToDictionary(r => r.Metrics.Name, r => r.Version), _uptime.Elapsed.TotalSeconds, _outbox!.Count, _outbox.Bytes,
                    RawBytesProcessed, Sender!.Statistics.Bytes)));
            }
        }
        catch (OperationCanceledException) { }
    }

    private static (IPipeline, int) LoadPlan(string path)
    {
        var pipeline = PlanPipeline.Load(path);
        return (pipeline, pipeline.OutputLength);
    }

    private IUplink CreateUplink()
    {
        if (_config.Uplink.Http is { } h)
            return new HttpUplink(new HttpUplinkOptions
            {
                Collector = h.Collector, Token = h.Token, Gzip = h.Gzip,
                ClientCertificatePath = h.ClientCertificate, ClientKeyPath = h.ClientKey, CaCertificatePath = h.CaCertificate,
            });
        var m = _config.Uplink.Mqtt!;
        return new MqttUplink(new MqttUplinkOptions
        {
            Host = m.Host, Port = m.Port, Username = m.Username, Password = m.Password, DeviceId = _config.DeviceId, AgentVersion = AgentVersion,
            Tls = m.Tls, CaCertificatePath = m.CaCertificate, ClientCertificatePath = m.ClientCertificate, ClientKeyPath = m.ClientKey,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        if (_uplink is not null) await _uplink.DisposeAsync().ConfigureAwait(false);
        _outbox?.Dispose();
        _stop.Dispose();
    }
}
