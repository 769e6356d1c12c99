namespace EdgeToken.Agent.Uplinks;

/// <summary>A way upstream: HTTP to the collector, or MQTT to a broker. The <see cref="UplinkSender"/> owns
/// ordering, batching, backoff and acknowledgement; an uplink only moves one batch and says what happened.</summary>
public interface IUplink : IAsyncDisposable
{
    /// <summary>For logs and reports: "http https://collector:8443", "mqtt 127.0.0.1:1883".</summary>
    string Name { get; }

    /// <summary>Sends one <c>UplinkBatch</c> (UTF-8 JSON). Delivered means the far side has it durably
    /// (HTTP 200, MQTT PUBACK): only then is the outbox allowed to forget it.</summary>
    Task<UplinkResult> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken);
}

public enum UplinkOutcome
{
    Delivered,
    /// <summary>The link is down or the far side is overloaded: try again after a backoff.</summary>
    Unavailable,
    /// <summary>The far side refused the batch (4xx other than 408/429): kept, logged, retried slowly,
    /// because dropping it would lose data and the cause is usually configuration (credential, version).</summary>
    Refused,
}

/// <param name="WireBytes">Bytes put on the link for a delivered batch (after compression).</param>
public readonly record struct UplinkResult(UplinkOutcome Outcome, string? Detail = null, TimeSpan? RetryAfter = null, long WireBytes = 0)
{
    public static UplinkResult Delivered(long wireBytes) => new(UplinkOutcome.Delivered, WireBytes: wireBytes);
}
