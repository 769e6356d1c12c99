using EdgeToken.Collector.Storage;

namespace EdgeToken.Collector;

/// <summary>How a collector runs: where it listens, where the fleet lives, the broker it subscribes to, and its limits.</summary>
public sealed class CollectorOptions
{
    /// <summary>Where HTTP listens; port 0 picks a free one (tests).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public DatabaseLocation Database { get; set; } = new("sqlite", "edgetoken-fleet.db");

    /// <summary>host:port of the MQTT broker to subscribe to; null for HTTP ingest only.</summary>
    public string? Mqtt { get; set; }

    /// <summary>
    /// Names this collector in the records it stores (received_by) and is its MQTT session: unique per collector and
    /// stable across its restarts, so a restarted collector resumes the batches the broker queued for it.
    /// </summary>
    public string InstanceName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Per-device token bucket: a device sending a batch every few seconds, plus the burst of an outbox draining
    /// after an outage, stays far below it; a device in a retry loop or a stolen token does not.
    /// </summary>
    public int DeviceRequestsPerSecond { get; set; } = 50;

    public int DeviceBurst { get; set; } = 200;

    /// <summary>How often the bucket gets its <see cref="DeviceRequestsPerSecond"/> tokens back: one second. Tests stretch
    /// it so that no refill can land between two requests on a slow machine, which made the limit test flaky.</summary>
    internal TimeSpan DeviceReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Decompressed size limit of a gzip body; the compressed body is limited to WireFormat.MaxBatchBytes.</summary>
    public int MaxDecompressedBytes { get; set; } = 8 << 20;

    /// <summary>Log level of ASP.NET Core itself; the collector's own messages go to the console regardless.</summary>
    public Microsoft.Extensions.Logging.LogLevel FrameworkLogLevel { get; set; } = Microsoft.Extensions.Logging.LogLevel.Warning;
}
