using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace EdgeToken.Collector.Tests;

/// <summary>
/// Several collectors behind one broker: two real collector processes on the shared subscription, writing to
/// one PostgreSQL, split a stream a publisher sends (with part of it sent twice, as an agent's redelivery would).
/// Every record is stored exactly once, and both collectors did part of the work.
/// </summary>
[Needs("EDGETOKEN_POSTGRES", "PostgreSQL")]
[Needs("EDGETOKEN_MQTT", "Mosquitto")]
[Collection(BrokerCollection.Name)]
public sealed class SharedSubscriptionTests(ITestOutputHelper output)
{
    const int Devices = 20, BatchesPerDevice = 30, RecordsPerBatch = 2;

    [ServiceFact]
    public async Task Two_collectors_split_one_stream_with_nothing_lost_or_stored_twice()
    {
        var database = await TestDatabases.NewPostgresAsync();
        await using var store = database.Open();
        await store.MigrateAsync();
        for (int d = 0; d < Devices; d++)
        {
            DeviceToken.Issue(Device(d), out string salt, out string hash);
            await store.RegisterDeviceAsync(Device(d), salt, hash, DateTimeOffset.UtcNow);
        }
        string mqtt = Environment.GetEnvironmentVariable("EDGETOKEN_MQTT")!;
        string run = Guid.NewGuid().ToString("N")[..8];
        string[] Args(string name) => ["collector", "--urls", "http://127.0.0.1:0", "--db", $"postgres:{database.Target}", "--mqtt", mqtt, "--name", name];
        using var first = new CollectorProcess(Args($"c1-{run}"));
        using var second = new CollectorProcess(Args($"c2-{run}"));
        await first.WaitSubscribedAsync(TimeSpan.FromSeconds(60));
        await second.WaitSubscribedAsync(TimeSpan.FromSeconds(60));

        var (host, port) = Mqtt.MqttSubscriber.ParseEndpoint(mqtt);
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId($"publisher-{run}").Build());
        int published = 0;
        for (int b = 0; b < BatchesPerDevice; b++)
            for (int d = 0; d < Devices; d++)
            {
                long first_ = b * RecordsPerBatch + 1;
                await Publish(publisher, Batches.Summaries(Device(d), first_, RecordsPerBatch));
                published++;
                // Every fifth batch goes out twice: an agent that did not see the acknowledgement sends it again.
                if (b % 5 == 0) { await Publish(publisher, Batches.Summaries(Device(d), first_, RecordsPerBatch)); published++; }
            }

        // Refused for good (and acknowledged, so not redelivered forever): an unregistered device, and a batch
        // published on another device's topic. Either stored would make the count below exceed the expected.
        await Publish(publisher, Batches.Summaries("ghost", 1, 1));
        await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(WireFormat.RecordsTopic(Device(1)))
            .WithPayload(WireFormat.Serialize(Batches.Summaries(Device(0), 1000, 1))).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        const long expected = Devices * BatchesPerDevice * RecordsPerBatch;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        long stored = 0;
        while (DateTime.UtcNow < deadline && (stored = await store.CountRecordsAsync(null)) < expected) await Task.Delay(200);
        await Task.Delay(500); // anything still in flight would be a duplicate attempt; give it the chance to show
        stored = await store.CountRecordsAsync(null);

        var byCollector = await store.RecordsByCollectorAsync();
        output.WriteLine($"published {published} messages ({expected} distinct records); stored {stored}; by collector: {string.Join(", ", byCollector.Select(kv => $"{kv.Key}={kv.Value}"))}");
        var missing = new List<string>();
        for (int d = 0; d < Devices; d++)
        {
            var held = (await store.SequencesAsync(Device(d))).ToHashSet();
            missing.AddRange(Enumerable.Range(1, BatchesPerDevice * RecordsPerBatch).Where(i => !held.Contains(i)).Select(i => $"{Device(d)}#{i}"));
        }
        Assert.True(stored == expected, $"stored {stored} of {expected}; missing {string.Join(" ", missing)}\nfirst:\n{first.Output}\nsecond:\n{second.Output}");
        for (int d = 0; d < Devices; d++)
            Assert.Equal(Enumerable.Range(1, BatchesPerDevice * RecordsPerBatch).Select(i => (long)i), await store.SequencesAsync(Device(d)));
        Assert.Equal(0, await store.CountRecordsAsync("ghost"));
        Assert.Equal(2, byCollector.Count);
        Assert.All(byCollector.Values, n => Assert.True(n > 0));
        Assert.Equal(expected, byCollector.Values.Sum());
    }

    static string Device(int d) => $"wagon-{d:00}";

    static Task Publish(IMqttClient client, UplinkBatch batch) => client.PublishAsync(new MqttApplicationMessageBuilder()
        .WithTopic(WireFormat.RecordsTopic(batch.DeviceId)).WithPayload(WireFormat.Serialize(batch))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
