using System.Text.Json;
using EdgeToken.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeToken.Collector.Tests;

/// <summary>The retained state topic through a real broker: the collector takes birth and death from the explicit
/// state (wire revision 2) and still reads revision 1 payloads by their reason.</summary>
[Needs("EDGETOKEN_MQTT", "Mosquitto")]
[Collection(BrokerCollection.Name)]
public sealed class MqttStateTests
{
    [ServiceFact]
    public async Task Device_state_follows_birth_and_death_on_the_state_topic_in_both_revisions()
    {
        string mqtt = Environment.GetEnvironmentVariable("EDGETOKEN_MQTT")!;
        string run = Guid.NewGuid().ToString("N")[..8];
        await using var c = await TestCollector.StartAsync(TestDatabases.NewSqlite(), o => { o.Mqtt = mqtt; o.InstanceName = $"state-{run}"; });
        string device = $"wagon-state-{run}";
        await c.RegisterAsync(device);

        var (host, port) = Mqtt.MqttSubscriber.ParseEndpoint(mqtt);
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"state-publisher-{run}").Build());
        async Task<string?> StateAfter(LifecyclePayload payload)
        {
            // Each step flips the state, so waiting for the expected one proves this message was read.
            string expected = payload.ResolveState() == LifecycleState.Birth ? "birth" : "death";
            await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(WireFormat.StateTopic(device))
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(payload, WireJsonContext.Default.LifecyclePayload))
                .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? state;
            while ((state = (await c.Store.DevicesAsync()).Single(d => d.DeviceId == device).State) != expected && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            return state;
        }

        Assert.Equal("birth", await StateAfter(LifecyclePayload.Birth("2.0.0", "online")));
        // The explicit state wins over a reason that a revision 1 reader would have taken for a birth.
        Assert.Equal("death", await StateAfter(new LifecyclePayload("2.0.0", "online since 3 days", LifecycleState.Death, Graceful: false)));
        Assert.Equal("birth", await StateAfter(new LifecyclePayload("0.1.0", "online"))); // revision 1
        Assert.Equal("death", await StateAfter(new LifecyclePayload("0.1.0", "connection lost"))); // revision 1 will
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(WireFormat.StateTopic(device)).WithPayload([]).WithRetainFlag().Build());
    }
}
