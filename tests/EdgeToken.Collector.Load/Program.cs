// Load benchmark of the collector (not a test: it measures, it does not judge). Usage:
//   dotnet run -c Release --project tests/EdgeToken.Collector.Load -- [sqlite|postgres] [--devices 1000] [--seconds 20] [--warmup 3] [--mode paced|saturate]
// paced: every simulated device sends one summary per second (the fleet's real load), over HTTP on loopback.
// saturate: every device sends its next summary as soon as the last was answered (the collector's ceiling).
// PostgreSQL comes from EDGETOKEN_POSTGRES (tests/setup.d/50-collector.sh starts one). Client and collector
// share this machine's cores, so the figures are a floor for a collector on its own host. The first --warmup
// seconds (JIT, connection pools, the database's caches) run the same load but are not counted: a collector
// runs for months, so the steady state is the figure; every summary, warm-up included, is checked in the store.
using System.Diagnostics;
using System.Net.Http.Headers;
using EdgeToken.Collector;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Npgsql;

string provider = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "sqlite";
int devices = Arg("--devices", 1000), seconds = Arg("--seconds", 20), warmup = Arg("--warmup", 3);
string mode = args.SkipWhile(a => a != "--mode").Skip(1).FirstOrDefault() ?? "paced";

DatabaseLocation database;
if (provider == "postgres")
{
    string admin = Environment.GetEnvironmentVariable("EDGETOKEN_POSTGRES") ?? throw new InvalidOperationException("set EDGETOKEN_POSTGRES (tests/setup.d/50-collector.sh starts a PostgreSQL)");
    string name = "load_" + Guid.NewGuid().ToString("N")[..8];
    await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"CREATE DATABASE {name}", c).ExecuteNonQueryAsync(); }
    database = new DatabaseLocation("postgres", new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 64 }.ConnectionString);
}
else database = new DatabaseLocation("sqlite", Path.Combine(Path.GetTempPath(), $"edgetoken-load-{Guid.NewGuid():N}.db"));

await using var host = await CollectorHost.StartAsync(new CollectorOptions
{
    Urls = "http://127.0.0.1:0", Database = database, InstanceName = "load", DeviceRequestsPerSecond = 10_000, DeviceBurst = 10_000,
});
var tokens = new string[devices];
for (int d = 0; d < devices; d++)
{
    tokens[d] = DeviceToken.Issue($"load-{d:0000}", out string salt, out string hash);
    await host.Store.RegisterDeviceAsync($"load-{d:0000}", salt, hash, DateTimeOffset.UtcNow);
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = host.Address };
var latencies = new List<double>[devices];
var sent = new long[devices];
long failed = 0;
var warm = new long[devices];
var clock = Stopwatch.StartNew();
var counting = TimeSpan.FromSeconds(warmup);
var until = counting + TimeSpan.FromSeconds(seconds);
var cpuAtStart = TimeSpan.Zero;
var measuring = Task.Delay(counting).ContinueWith(_ => cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime, TaskScheduler.Default);
await Task.WhenAll(Enumerable.Range(0, devices).Select(d => Task.Run(() => Device(d))));
await measuring;
double elapsed = (clock.Elapsed - counting).TotalSeconds;
double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;

long total = sent.Sum() - warm.Sum();
long stored = await host.Store.CountRecordsAsync(null);
var all = latencies.SelectMany(l => l).Order().ToArray();
double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
long everything = sent.Sum();
Console.WriteLine($"{provider} {mode}: {devices} devices, {warmup} s warm-up then {elapsed:0.0} s measured, {total} summaries accepted in it; "
    + $"{everything} accepted in all, {failed} refused or failed, {stored} stored ({(stored == everything ? "nothing lost or duplicated" : "MISMATCH")})");
Console.WriteLine($"  ingest {total / elapsed:0} summaries/s; latency p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {all.LastOrDefault():0.0} ms");
// CPU per summary does not depend on what else the machine runs: the figure to compare across runs.
Console.WriteLine($"  CPU of this process (simulated devices + collector, not the PostgreSQL server): {cpu:0.0} s, {cpu * 1e6 / Math.Max(total, 1):0} µs per summary; "
    + $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
return stored == everything && failed == 0 ? 0 : 1;

async Task Device(int d)
{
    string id = $"load-{d:0000}";
    var mine = latencies[d] = new List<double>(seconds * 2);
    // Paced devices start spread over the first second, as a real fleet does not send in lockstep.
    var next = TimeSpan.FromMilliseconds(1000.0 * d / devices);
    for (long seq = 1; ; seq++)
    {
        if (mode == "paced")
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            next += TimeSpan.FromSeconds(1);
        }
        if (clock.Elapsed >= until) return;
        var now = DateTimeOffset.UtcNow;
        var batch = new UplinkBatch(WireFormat.Version, id, [new UplinkRecord(seq, RecordKind.Summary, now, Summary: new SummaryPayload("bearing", now.AddSeconds(-1), now,
            25_600, 12, new ScoreStatistics(0.01, 0.05, 0.2, 0.1), null, 0, new FrontEndHealth(0, 0, 0, 0, 0)))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, WireFormat.IngestPath) { Content = new ByteArrayContent(WireFormat.Serialize(batch)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[d]);
        bool counted = clock.Elapsed >= counting; // requests started in the warm-up are not counted, even if answered after it
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref failed); seq--; continue; }
        }
        catch (HttpRequestException) { Interlocked.Increment(ref failed); seq--; continue; }
        sent[d]++;
        if (!counted) { warm[d]++; continue; }
        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}
