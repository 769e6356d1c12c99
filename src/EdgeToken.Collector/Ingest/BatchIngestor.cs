using System.Text.Json;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Collector.Ingest;

/// <summary>
/// The one path from wire bytes to the store, shared by HTTP and MQTT: decode, validate, check the batch is the
/// authenticated device's, store in one transaction. Nothing is stored unless every check passed.
/// </summary>
public sealed class BatchIngestor(IFleetStore store, CollectorOptions options, ILogger<BatchIngestor> log)
{
    public IFleetStore Store => store;

    public async Task<IngestOutcome> IngestAsync(ReadOnlyMemory<byte> json, string authenticatedDevice, int wireBytes, CancellationToken cancel)
    {
        UplinkBatch? batch;
        try
        {
            batch = WireFormat.Deserialize(json.Span);
        }
        catch (JsonException e)
        {
            string where = e.Path is null ? "" : $" at {e.Path}";
            return IngestOutcome.Refused(400, "malformed_json", $"the body is not a valid {WireFormat.Version} batch{where}: {FirstLine(e.Message)}");
        }
        if (batch is null) return IngestOutcome.Refused(400, "malformed_json", "the body is JSON null, not a batch");
        if (batch.Records is { Count: > WireFormat.MaxRecordsPerBatch })
            return IngestOutcome.Refused(413, "too_many_records", $"{batch.Records.Count} records; a batch carries at most {WireFormat.MaxRecordsPerBatch}, send the rest in another batch");
        if (BatchValidator.Validate(batch) is { } error) return new IngestOutcome(400, null, error);
        if (!string.Equals(batch.DeviceId, authenticatedDevice, StringComparison.Ordinal))
            return IngestOutcome.Refused(403, "device_mismatch", $"the batch is for device \"{batch.DeviceId}\" but the credential is device \"{authenticatedDevice}\"");
        try
        {
            var response = await store.StoreBatchAsync(batch, wireBytes, options.InstanceName, DateTimeOffset.UtcNow, cancel);
            return IngestOutcome.Stored(response);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            log.LogError(e, "storing a batch of {Device} failed", batch.DeviceId);
            return IngestOutcome.Refused(503, "store_unavailable", "the collector could not store the batch now; nothing of it was stored, send it again later");
        }
    }

    static string FirstLine(string message)
    {
        int end = message.IndexOf('.');
        return end > 0 ? message[..(end + 1)] : message;
    }
}
