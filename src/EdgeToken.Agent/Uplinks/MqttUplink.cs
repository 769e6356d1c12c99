using System.Text.Json;
using EdgeToken.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeToken.Agent.Uplinks;

/// <summary>
/// MQTT 5 (MQTTnet) to any broker. A batch is one QoS 1 message on <c>edgetoken/v1/{device}/records</c>; it is
/// delivered when the broker's PUBACK arrives. On connect the agent publishes a retained birth on
/// <c>edgetoken/v1/{device}/state</c>; the same topic carries a retained death as the MQTT will, so a device
/// that loses power shows as gone.
/// </summary>
public sealed class MqttUplink(MqttUplinkOptions options) : IUplink
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim _connect = new(1, 1);

    public string Name => $"mqtt {options.Host}:{options.Port}";

    public async Task<UplinkResult> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(WireFormat.RecordsTopic(options.DeviceId))
                .WithPayload(batchJson.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("application/json")
                .Build();
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess
                ? UplinkResult.Delivered(batchJson.Length)
                : new UplinkResult(UplinkOutcome.Unavailable, $"broker answered {result.ReasonCode} {result.ReasonString}");
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or IOException or System.Net.Sockets.SocketException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new UplinkResult(UplinkOutcome.Unavailable, e.Message);
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        await _connect.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client.IsConnected) return;
            string state = WireFormat.StateTopic(options.DeviceId);
            var builder = new MqttClientOptionsBuilder()
                .WithTcpServer(options.Host, options.Port)
                .WithClientId($"edgetoken-agent-{options.DeviceId}")
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                .WithCleanStart(false)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
                .WithTimeout(TimeSpan.FromSeconds(10))
                .WithWillTopic(state)
                .WithWillPayload(Lifecycle(LifecyclePayload.Death(options.AgentVersion, "connection lost", graceful: false)))
                .WithWillRetain()
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (options.Username is not null) builder = builder.WithCredentials(options.Username, options.Password);
            if (options.Tls) builder = builder.WithTlsOptions(Tls);
            await _client.ConnectAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
            await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(state).WithPayload(Lifecycle(LifecyclePayload.Birth(options.AgentVersion, "online")))
                .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        }
        finally { _connect.Release(); }
    }

    private void Tls(MqttClientTlsOptionsBuilder tls)
    {
        tls.UseTls().WithTargetHost(options.Host);
        if (options.ClientCertificatePath is not null)
            tls.WithClientCertificates([TlsTrust.ClientCertificate(options.ClientCertificatePath, options.ClientKeyPath)]);
        if (options.CaCertificatePath is not null)
        {
            var roots = TlsTrust.Roots(options.CaCertificatePath);
            tls.WithCertificateValidationHandler(e => TlsTrust.IsTrusted(e.Certificate, e.SslPolicyErrors, roots));
        }
    }

    private static byte[] Lifecycle(LifecyclePayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, WireJsonContext.Default.LifecyclePayload);

    /// <summary>Drops the connection without an MQTT DISCONNECT, as a crash or a power cut would (tests: the will).</summary>
    internal void Abandon() => _client.Dispose();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            // A graceful stop replaces the retained birth with a death, then disconnects normally (no will).
            try
            {
                await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(WireFormat.StateTopic(options.DeviceId))
                    .WithPayload(Lifecycle(LifecyclePayload.Death(options.AgentVersion, "stopped", graceful: true))).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).ConfigureAwait(false);
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException) { }
        }
        _client.Dispose();
        _connect.Dispose();
    }
}
