using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeToken.Contracts;

/// <summary>Constants of the wire format, shared by the agent's uplinks and the collector.</summary>
public static class WireFormat
{
    public const string Version = "edgetoken.uplink/1";

    /// <summary>
    /// Additive revisions within <see cref="Version"/>: a receiver reads every earlier revision, and ignores
    /// fields it does not know. 1: the first contract. 2: <see cref="LifecyclePayload.State"/> and
    /// <see cref="LifecyclePayload.Graceful"/> (before, birth and death were told apart by the reason's text).
    /// </summary>
    public const int Revision = 2;

    /// <summary>HTTP: POST a JSON <see cref="UplinkBatch"/> (optionally Content-Encoding: gzip) with
    /// "Authorization: Bearer &lt;device token&gt;"; 200 with <see cref="IngestResponse"/>.</summary>
    public const string IngestPath = "/api/v1/ingest";

    public const int MaxRecordsPerBatch = 1000;
    public const int MaxBatchBytes = 1 << 20;

    /// <summary>MQTT topic of a device's batches (QoS 1): edgetoken/v1/{device}/records.</summary>
    public static string RecordsTopic(string deviceId) => $"edgetoken/v1/{deviceId}/records";

    /// <summary>MQTT topic of a device's retained state: birth on connect, death as the will.</summary>
    public static string StateTopic(string deviceId) => $"edgetoken/v1/{deviceId}/state";

    /// <summary>The shared subscription collectors use, so several split one stream.</summary>
    public const string SharedRecordsSubscription = "$share/edgetoken-collectors/edgetoken/v1/+/records";

    public const string StateSubscription = "edgetoken/v1/+/state";

    public static byte[] Serialize(UplinkBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, WireJsonContext.Default.UplinkBatch);

    public static UplinkBatch? Deserialize(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize(json, WireJsonContext.Default.UplinkBatch);
}

/// <summary>Source-generated JSON (trimming and NativeAOT safe): camelCase properties, enums as camelCase strings.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UplinkBatch))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(IngestError))]
[JsonSerializable(typeof(LifecyclePayload))]
public sealed partial class WireJsonContext : JsonSerializerContext;
