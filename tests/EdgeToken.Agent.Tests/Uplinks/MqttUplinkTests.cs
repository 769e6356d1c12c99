using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using EdgeToken.Agent.Outbox;
using EdgeToken.Agent.Uplinks;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Tests.Uplinks;

/// <summary>The MQTT uplink against a real Mosquitto broker: records in order at QoS 1, a retained birth, the will as death.</summary>
public sealed class MqttUplinkTests
{
    [MqttFact]
    public async Task Batches_arrive_in_order_with_a_retained_birth_and_the_will_marks_a_crash()
    {
        var (host, port) = MqttFactAttribute.Broker!.Value;
        string device = $"wagon-mqtt-{Guid.NewGuid():N}"[..24];
        var batches = new ConcurrentQueue<UplinkBatch>();
        var states = new ConcurrentQueue<(LifecyclePayload Payload, bool Retained)>();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.Payload.ToArray();
            if (e.ApplicationMessage.Topic == WireFormat.RecordsTopic(device)) batches.Enqueue(WireFormat.Deserialize(payload)!);
            else states.Enqueue((JsonSerializer.Deserialize(payload, WireJsonContext.Default.LifecyclePayload)!, e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"test-{device}").Build());
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(WireFormat.RecordsTopic(device), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(WireFormat.StateTopic(device), MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var dir = new TempDirectory();
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path });
        for (int i = 1; i <= 1500; i++) outbox.Append(Records.Summary(i));
        var uplink = new MqttUplink(new MqttUplinkOptions { Host = host, Port = port, DeviceId = device, AgentVersion = "test" });
        var sender = new UplinkSender(outbox, uplink, device, new UplinkSenderOptions { MaxRecordsPerBatch = 400 }, NullLogger.Instance);
        Assert.True(await sender.DrainAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, outbox.Count);
        await HttpUplinkTests.Until(() => batches.Sum(b => b.Records.Count) >= 1500);
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => (long)i), batches.SelectMany(b => b.Records).Select(r => r.Sequence));
        Assert.Equal(4, batches.Count);
        Assert.Contains(states, s => s.Payload.State == LifecycleState.Birth && s.Payload.Reason == "online");

        uplink.Abandon(); // a crash: no DISCONNECT, so the broker publishes the will
        await HttpUplinkTests.Until(() => states.Any(s => s.Payload is { State: LifecycleState.Death, Graceful: false, Reason: "connection lost" }));

        // A late subscriber sees the last state retained: the device is gone.
        using var late = new MqttClientFactory().CreateMqttClient();
        var retained = new TaskCompletionSource<LifecyclePayload>();
        late.ApplicationMessageReceivedAsync += e =>
        {
            retained.TrySetResult(JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), WireJsonContext.Default.LifecyclePayload)!);
            return Task.CompletedTask;
        };
        await late.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"late-{device}").Build());
        await late.SubscribeAsync(WireFormat.StateTopic(device), MqttQualityOfServiceLevel.AtLeastOnce);
        var last = await retained.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((LifecycleState.Death, false), (last.ResolveState(), last.Graceful));
    }
}
