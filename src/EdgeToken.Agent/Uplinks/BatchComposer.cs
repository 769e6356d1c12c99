using System.Text.Json;
using EdgeToken.Agent.Outbox;
using EdgeToken.Contracts;

namespace EdgeToken.Agent.Uplinks;

/// <summary>Builds an <see cref="UplinkBatch"/>'s JSON from the outbox's stored record JSON without parsing
/// it again: the envelope around the records exactly as <see cref="WireFormat.Serialize"/> would write it.</summary>
public static class BatchComposer
{
    /// <summary>Bytes the envelope adds around the records' JSON, with room for a long device id.</summary>
    public const int EnvelopeBytes = 512;

    public static byte[] Compose(string deviceId, IReadOnlyList<StoredRecord> records)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(EnvelopeBytes + records.Sum(r => r.Json.Length + 1));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", WireFormat.Version);
            writer.WriteString("deviceId", deviceId);
            writer.WriteStartArray("records");
            foreach (var r in records) writer.WriteRawValue(r.Json, skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
