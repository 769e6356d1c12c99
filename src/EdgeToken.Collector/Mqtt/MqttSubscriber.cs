using System.Buffers;
using System.Text.Json;
using EdgeToken.Collector.Ingest;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeToken.Collector.Mqtt;

/// <summary>
/// Subscribes to the devices' batches with the shared subscription (so several collectors behind one broker
/// split the stream) and to their retained state. A batch is acknowledged to the broker only after it is stored
/// or refused for good; when the store is unavailable the collector reconnects without acknowledging, and the
/// broker delivers the batch again (deduplication by device and sequence makes that harmless).
/// </summary>
/// <remarks>
/// MQTT has no per-message credential: the broker authenticates devices (one user per device, with an ACL
/// allowing only its own topics). The collector still refuses batches from unregistered or revoked devices and
/// batches whose deviceId is not the topic's.
/// </remarks>
public sealed class MqttSubscriber(CollectorOptions options, BatchIngestor ingestor, IFleetStore store, ILogger<MqttSubscriber> log) : BackgroundService
{
    long _stored, _refused;

    public long Stored => Interlocked.Read(ref _stored);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var (host, port) = ParseEndpoint(options.Mqtt!);
        var factory = new MqttClientFactory();
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stop.IsCancellationRequested)
        {
            using var client = factory.CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ => { lost.TrySetResult(); return Task.CompletedTask; };
            client.ApplicationMessageReceivedAsync += async e =>
            {
                e.AutoAcknowledge = false;
                bool ack = await HandleAsync(e.ApplicationMessage, stop);
                if (ack) await e.AcknowledgeAsync(stop);
                else _ = client.DisconnectAsync(); // redelivered after reconnect: the persistent session keeps it
            };
            try
            {
                var connect = new MqttClientOptionsBuilder()
                    .WithTcpServer(host, port)
                    .WithClientId(ClientId(options.InstanceName))
                    .WithProtocolVersion(MqttProtocolVersion.V500)
                    .WithCleanSession(false)
                    .WithSessionExpiryInterval(3600)
                    .Build();
                await client.ConnectAsync(connect, stop);
                var subscribe = factory.CreateSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(WireFormat.SharedRecordsSubscription).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => f.WithTopic(WireFormat.StateSubscription).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .Build();
                await client.SubscribeAsync(subscribe, stop);
                Console.WriteLine($"mqtt: {options.InstanceName} subscribed to {WireFormat.SharedRecordsSubscription} at {host}:{port}");
                delay = TimeSpan.FromMilliseconds(200);
                await lost.Task.WaitAsync(stop);
                log.LogWarning("mqtt: connection to {Host}:{Port} lost; reconnecting", host, port);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await RetireAsync(client);
                break;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                log.LogWarning("mqtt: cannot reach {Host}:{Port} ({Message}); retrying in {Delay}", host, port, e.Message, delay);
            }
            try { await Task.Delay(delay, stop); } catch (OperationCanceledException) { break; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    /// <summary>
    /// A graceful stop leaves the shared group cleanly: unsubscribe (the broker routes new batches to the other
    /// collectors), then end the session. Without this, a broker such as Mosquitto keeps the stopped collector's
    /// persistent session in the group and queues its share of the stream there until the session expires.
    /// After a crash the session stays, and the collector restarting under the same --name picks up what was queued.
    /// </summary>
    async Task RetireAsync(IMqttClient client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(WireFormat.SharedRecordsSubscription).Build(), timeout.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build(), timeout.Token);
            Console.WriteLine($"mqtt: {options.InstanceName} left the shared subscription");
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            log.LogWarning("mqtt: could not leave the shared subscription cleanly ({Message})", e.Message);
        }
    }

    /// <summary>True when the message is finished with (stored, or refused for good); false to have it delivered again.</summary>
    async Task<bool> HandleAsync(MqttApplicationMessage message, CancellationToken cancel)
    {
        string[] parts = message.Topic.Split('/');
        if (parts.Length != 4 || parts[0] != "edgetoken" || parts[1] != "v1") return true;
        string device = parts[2];
        byte[] payload = message.Payload.ToArray();
        if (parts[3] == "state") return await HandleStateAsync(device, payload, cancel);
        if (parts[3] != "records") return true;
        if (payload.Length > WireFormat.MaxBatchBytes)
        {
            Refused(device, "batch_too_large", $"{payload.Length} bytes; at most {WireFormat.MaxBatchBytes}");
            return true;
        }
        var credential = await store.FindDeviceAsync(device, cancel);
        if (credential is null || credential.RevokedAt is not null)
        {
            Refused(device, credential is null ? "unknown_device" : "device_revoked", "register the device with edgetoken collector device add");
            return true;
        }
        var outcome = await ingestor.IngestAsync(payload, device, payload.Length, cancel);
        if (outcome.Status == 503) return false;
        if (outcome.Error is { } error) Refused(device, error.Code, error.Message);
        else Interlocked.Add(ref _stored, outcome.Response!.Accepted);
        return true;
    }

    async Task<bool> HandleStateAsync(string device, byte[] payload, CancellationToken cancel)
    {
        if (payload.Length == 0 || payload.Length > 64 * 1024) return true; // an empty retained message clears the state
        try
        {
            var life = JsonSerializer.Deserialize(payload, WireJsonContext.Default.LifecyclePayload);
            if (life is null) return true;
            // Revision 2 agents say birth or death explicitly (the will is a death); revision 1 payloads resolve by their reason.
            string state = life.ResolveState() == LifecycleState.Birth ? "birth" : "death";
            await store.SetDeviceStateAsync(device, state, life.AgentVersion, DateTimeOffset.UtcNow, cancel);
        }
        catch (JsonException) { Refused(device, "malformed_state", "the state message is not a LifecyclePayload"); }
        return true;
    }

    void Refused(string device, string code, string message)
    {
        Interlocked.Increment(ref _refused);
        log.LogWarning("mqtt: refused a batch from {Device}: {Code}: {Message}", device, code, message);
    }

    static string ClientId(string instance) => "edgetoken-collector-" + new string(instance.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    public static (string Host, int Port) ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is <= 0 or > 65535)
            throw new FormatException($"--mqtt {text}: expected HOST:PORT, e.g. --mqtt 127.0.0.1:1883");
        return (text[..colon], port);
    }
}
