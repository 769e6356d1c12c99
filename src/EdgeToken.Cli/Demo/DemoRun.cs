using System.Diagnostics;
using System.Security.Cryptography;
using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Hosting;
using EdgeToken.Agent.Pipelines;
using EdgeToken.Agent.Sources;
using EdgeToken.Collector;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using EdgeToken.Compiler;
using EdgeToken.Runtime.Plans;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeToken.Cli.Demo;

/// <summary>
/// The whole product on one machine: the collector on SQLite in a temporary folder, one agent per wagon
/// (in-process, the agent library, HTTP uplink over loopback) running the rail-bearing model on each axle's
/// simulated sensor, bearings that fail on a schedule only the demo knows, and the figures against it.
/// </summary>
public static class DemoRun
{
    public const string PipelineType = "rail-bearing";
    public const string User = "engineer";
    public static readonly string[] Labels = ["healthy", "outer", "inner", "ball", "cage"];

    /// <summary>The sample's model, copied next to the CLI at build time (samples/RailBearing).</summary>
    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "RailBearing", "rail-bearing.onnx");
    public static string CalibrationPath => Path.Combine(AppContext.BaseDirectory, "RailBearing", "rail-bearing.calibration.f32");

    /// <param name="started">Called once the collector listens and the agents run: the dashboard address and password.</param>
    /// <param name="progress">Called every <see cref="DemoOptions.ReportEverySeconds"/> with the figures so far.</param>
    public static async Task<DemoReport> RunAsync(DemoOptions options, Action<Uri, string> started, Action<DemoFigures> progress, CancellationToken cancel)
    {
        if (!File.Exists(ModelPath)) throw new FileNotFoundException($"{ModelPath}: the rail-bearing model is missing next to edgetoken (it is copied from samples/RailBearing at build time; rebuild src/EdgeToken.Cli)");
        var compiled = ModelCompiler.CompileFile(ModelPath, options.Int8 ? new CompileOptions { CalibrationPath = CalibrationPath } : null);
        Plan plan = compiled.Plan;
        string version = Convert.ToHexStringLower(SHA256.HashData(PlanFile.Write(plan)))[..12];
        double isolatedUs = InferenceProbe.MedianMicroseconds(plan);
        var truths = FleetScenario.Create(options);
        string work = Directory.CreateTempSubdirectory("edgetoken-demo-").FullName;
        var agents = new List<EdgeTokenAgent>();
        var devices = new List<string>();
        var clocks = new Dictionary<(string, string), (SimulatorSource Source, SensorClock Clock)>();
        try
        {
            await using var collector = await StartCollectorAsync(options, work, cancel);
            string password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9)).Replace('/', 'x').Replace('+', 'y');
            var (salt, hash, iterations) = PasswordHasher.Hash(password);
            await collector.Store.AddUserAsync(User, salt, hash, iterations, DateTimeOffset.UtcNow, cancel);

            var registry = new PipelineRegistry().Add(PipelineType, () => new AnomalyClassifierPipeline(plan, version, options.Threshold), classes: Labels.Length);
            foreach (var wagon in truths.GroupBy(t => t.DeviceId))
            {
                string token = DeviceToken.Issue(wagon.Key, out string tokenSalt, out string tokenHash);
                await collector.Store.RegisterDeviceAsync(wagon.Key, tokenSalt, tokenHash, DateTimeOffset.UtcNow, cancel);
                var agent = new EdgeTokenAgent(AgentConfiguration(options, wagon.Key, [.. wagon], token, collector.Address, work), registry, NullLogger.Instance);
                agents.Add(agent);
                devices.Add(wagon.Key);
            }

            var wall = Stopwatch.StartNew();
            for (int i = 0; i < agents.Count; i++)
            {
                agents[i].Start();
                foreach (var source in agents[i].Sources.OfType<SimulatorSource>())
                {
                    var clock = new SensorClock();
                    clock.Sample(DateTimeOffset.UtcNow, 0);
                    clocks[(devices[i], source.Name)] = (source, clock);
                }
            }
            started(collector.Address, password);

            var alerts = new Dictionary<(string, string), List<(double, string?)>>();
            var seen = new HashSet<(string, long)>();
            double nextReport = options.ReportEverySeconds;
            DemoFigures figures;
            while (true)
            {
                bool over = wall.Elapsed.TotalSeconds >= options.DurationSeconds || cancel.IsCancellationRequested;
                foreach (var (_, (source, clock)) in clocks) clock.Sample(DateTimeOffset.UtcNow, source.SimulatedSeconds);
                await CollectAlertsAsync(collector.Store, truths, clocks, alerts, seen);
                if (over) break;
                if (wall.Elapsed.TotalSeconds >= nextReport)
                {
                    progress(Figures(truths, agents, clocks, alerts, wall.Elapsed.TotalSeconds));
                    nextReport += options.ReportEverySeconds;
                }
                try { await Task.Delay(250, cancel); }
                catch (OperationCanceledException) { }
            }

            // Sensor time at the end of the run; then the agents stop and flush, so their last events and
            // summaries reach the collector before the tally.
            double simulated = clocks.Values.Select(c => c.Source.SimulatedSeconds).DefaultIfEmpty(0).Min();
            double wallSeconds = wall.Elapsed.TotalSeconds;
            await Task.WhenAll(agents.Select(a => a.StopAsync(TimeSpan.FromSeconds(10))));
            await CollectAlertsAsync(collector.Store, truths, clocks, alerts, seen);
            figures = Figures(truths, agents, clocks, alerts, wallSeconds) with { SimulatedSeconds = simulated };
            long stored = 0;
            int withSummaries = 0;
            foreach (var device in truths.Select(t => t.DeviceId).Distinct())
            {
                stored += await collector.Store.CountRecordsAsync(device, CancellationToken.None);
                if ((await collector.Store.SummariesAsync(device, 1, CancellationToken.None)).Count > 0) withSummaries++;
            }
            return new DemoReport(collector.Address.ToString(), User, password, Path.GetFileName(ModelPath), options.Int8 ? "int8" : "float32",
                agents.Count, truths.Count, options.Speedup, isolatedUs, stored, withSummaries, figures);
        }
        finally
        {
            foreach (var agent in agents) await agent.DisposeAsync();
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { } // a temp folder left behind is not worth failing the run for
        }
    }

    private static async Task<CollectorHost> StartCollectorAsync(DemoOptions options, string work, CancellationToken cancel)
    {
        var collectorOptions = new CollectorOptions
        {
            Urls = $"http://127.0.0.1:{options.Port}",
            Database = new DatabaseLocation("sqlite", Path.Combine(work, "fleet.db")),
            InstanceName = "demo",
        };
        // Checked first: Kestrel's own failure would also log a stack trace before the message below.
        if (options.Port != 0)
        {
            try
            {
                var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, options.Port);
                probe.Start();
                probe.Stop();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new Commands.CliUsageException($"the collector cannot listen on 127.0.0.1:{options.Port} ({e.Message}); pass --port with a free port, or --port 0 for any");
            }
        }
        try { return await CollectorHost.StartAsync(collectorOptions, cancel); }
        catch (IOException e)
        {
            throw new Commands.CliUsageException($"the collector cannot listen on 127.0.0.1:{options.Port} ({e.Message}); pass --port with a free port, or --port 0 for any");
        }
    }

    private static AgentConfig AgentConfiguration(DemoOptions options, string deviceId, List<BearingTruth> axles, string token, Uri collector, string work)
    {
        var sources = axles.Select(a => new SourceConfig(a.Axle, "simulator", 20480, a.Seed, RealTime: true, a.OnsetSeconds, RingFrames: 64)
        {
            ShaftHz = a.ShaftHz,
            FaultKind = a.Fault ?? Sensors.Machinery.BearingFaultKind.OuterRace,
            FaultGrowthSeconds = a.GrowthSeconds,
            FaultAmplitude = a.Amplitude,
            Speedup = options.Speedup,
            Lossless = true, // on a busy machine the fleet's sensor time slows down rather than losing samples
        }).ToList();
        var pipelines = axles.Select(a => new PipelineConfig(a.Axle, a.Axle, Plan: null, PipelineType, options.Threshold, options.Debounce, Labels, ContextLength: 16) { DebounceSpan = options.DebounceSpan }).ToList();
        return new AgentConfig(deviceId, sources, pipelines, SummaryInterval: TimeSpan.FromSeconds(1), HeartbeatInterval: TimeSpan.FromSeconds(5),
            new OutboxConfig(Path.Combine(work, "outbox", deviceId), 64 << 20),
            new UplinkConfig(new HttpUplinkConfig(collector, token, Gzip: true, null, null), null, TimeSpan.FromSeconds(2), null));
    }

    private static async Task CollectAlertsAsync(IFleetStore store, List<BearingTruth> truths,
        Dictionary<(string, string), (SimulatorSource Source, SensorClock Clock)> clocks,
        Dictionary<(string, string), List<(double, string?)>> alerts, HashSet<(string, long)> seen)
    {
        foreach (var device in truths.Select(t => t.DeviceId).Distinct())
        {
            foreach (var e in await store.EventsAsync(device, 100_000, CancellationToken.None))
            {
                if (!e.Rising || !seen.Add((device, e.Sequence)) || !clocks.TryGetValue((device, e.Pipeline), out var c)) continue;
                if (!alerts.TryGetValue((device, e.Pipeline), out var list)) alerts[(device, e.Pipeline)] = list = [];
                list.Add((c.Clock.SecondsAt(e.Time), e.Label));
            }
        }
    }

    private static DemoFigures Figures(List<BearingTruth> truths, List<EdgeTokenAgent> agents,
        Dictionary<(string, string), (SimulatorSource Source, SensorClock Clock)> clocks,
        Dictionary<(string, string), List<(double, string?)>> alerts, double wallSeconds)
    {
        double simulated = clocks.Values.Select(c => c.Source.SimulatedSeconds).DefaultIfEmpty(0).Min();
        var (bearings, started, detected, falseAlarms, healthyHours, times) = DetectionScore.Score(truths,
            alerts.ToDictionary(kv => kv.Key, kv => kv.Value.Select(a => (a.Item1, a.Item2)).ToList()), simulated);
        var runners = agents.SelectMany(a => a.Pipelines).ToList();
        long windows = runners.Sum(r => r.Metrics.Windows);
        long tokens = runners.Sum(r => r.Metrics.Tokens), dropped = runners.Sum(r => r.Metrics.DroppedTokens);
        double inferenceUs = windows == 0 ? 0 : runners.Sum(r => r.Metrics.InferenceTime.TotalMicroseconds) / windows;
        long raw = agents.Sum(a => a.RawBytesProcessed);
        long uplink = agents.Sum(a => a.Sender?.Statistics.Bytes ?? 0);
        return new DemoFigures(wallSeconds, simulated, started, detected, started == 0 ? double.NaN : (double)detected / started, falseAlarms,
            healthyHours, healthyHours == 0 ? 0 : falseAlarms / healthyHours, DetectionScore.Median(times), times.Count == 0 ? null : times.Max(),
            windows, inferenceUs, raw, uplink, uplink == 0 ? 0 : (double)raw / uplink, tokens + dropped == 0 ? 0 : (double)dropped / (tokens + dropped), bearings);
    }
}
