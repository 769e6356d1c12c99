using EdgeToken.Agent.Configuration;
using EdgeToken.Agent.Hosting;
using EdgeToken.Agent.Tests.Receiver;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeToken.Agent.Tests.Uplinks;

/// <summary>HTTPS to a collector with a self-signed certificate that requires a device certificate, configured
/// the way a device is: PEM files named in agent.json.</summary>
public sealed class TlsUplinkTests
{
    [Fact]
    public async Task Https_with_a_pinned_self_signed_collector_and_a_client_certificate_delivers_everything()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        using var certificates = new TestCertificates(dir.Path);
        await using var collector = new LoopbackCollector(tls: certificates.Server);
        await collector.StartAsync();
        var config = AgentConfigReader.Read(WriteConfig(dir.Path, collector.Address,
            "\"caCertificate\": \"collector.pem\", \"clientCertificate\": \"device.pem\", \"clientKey\": \"device.key\""));
        Assert.Equal(Path.Combine(dir.Path, "collector.pem"), config.Uplink.Http!.CaCertificate);

        var agent = new EdgeTokenAgent(config, new PipelineRegistry(), NullLogger.Instance);
        agent.Start();
        await HttpUplinkTests.Until(() => collector.Records(config.DeviceId).Count(r => r.Kind == RecordKind.Summary) >= 2);
        await agent.StopAsync(TimeSpan.FromSeconds(10));
        await agent.DisposeAsync();

        var records = collector.Records(config.DeviceId);
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(RecordKind.Death, records[^1].Kind);
        Assert.Equal(["CN=wagon-17-axle-3"], collector.ClientCertificates);
    }

    [Fact]
    public async Task A_collector_certificate_the_device_does_not_trust_gets_nothing_and_the_outbox_keeps_it()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        using var certificates = new TestCertificates(dir.Path);
        await using var collector = new LoopbackCollector(tls: certificates.Server);
        await collector.StartAsync();
        // Trusts the device's own certificate as the CA: not the collector's, so the TLS handshake fails.
        var config = AgentConfigReader.Read(WriteConfig(dir.Path, collector.Address,
            "\"caCertificate\": \"device.pem\", \"clientCertificate\": \"device.pem\", \"clientKey\": \"device.key\""));
        var agent = new EdgeTokenAgent(config, new PipelineRegistry(), NullLogger.Instance);
        agent.Start();
        // Waits for the records rather than for a fixed time: a loaded machine produces them more slowly.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (agent.Outbox.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(200); // attempts to send them have had time to fail
        await agent.StopAsync(TimeSpan.FromSeconds(1));
        Assert.True(agent.Outbox.Count >= 3, $"{agent.Outbox.Count} records kept");
        Assert.Equal(0, agent.Sender!.Statistics.Records);
        await agent.DisposeAsync();
        Assert.Empty(collector.Records(config.DeviceId));
    }

    [Theory]
    [InlineData("\"clientCertificate\": \"nowhere.pem\"", "$.uplink.http.clientCertificate: the file")]
    [InlineData("\"clientKey\": \"device.key\"", "$.uplink.http.clientKey: a client key needs its 'clientCertificate'")]
    [InlineData("\"caCertificate\": \"device.key\"", "$.uplink.http.caCertificate: the file holds no PEM certificate")]
    [InlineData("\"clientCertificate\": \"device.pem\", \"clientKey\": \"collector.key\"", "$.uplink.http.clientCertificate: not a PEM certificate with its private key")]
    public void Tls_files_are_checked_at_start(string keys, string expected)
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        using var certificates = new TestCertificates(dir.Path);
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(WriteConfig(dir.Path, new Uri("https://127.0.0.1:9"), keys)));
        Assert.Contains(e.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Mqtt_certificates_need_tls()
    {
        using var dir = new TempDirectory();
        TestPlans.WriteScorePlan(dir.Path);
        using var certificates = new TestCertificates(dir.Path);
        string path = TestPlans.WriteAgentConfig(dir.Path, new Uri("http://127.0.0.1:9"), "t");
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "\"http\": \\{[^}]*\\}",
            "\"mqtt\": { \"broker\": \"127.0.0.1:8883\", \"caCertificate\": \"collector.pem\" }"));
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigReader.Read(path));
        Assert.Contains(e.Problems, p => p.StartsWith("$.uplink.mqtt.tls: certificates are given", StringComparison.Ordinal));
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"caCertificate\"", "\"tls\": true, \"caCertificate\""));
        Assert.Equal(Path.Combine(dir.Path, "collector.pem"), AgentConfigReader.Read(path).Uplink.Mqtt!.CaCertificate);
    }

    private static string WriteConfig(string directory, Uri collector, string tlsKeys)
    {
        string path = TestPlans.WriteAgentConfig(directory, collector, "device-token");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"token\": \"device-token\"", "\"token\": \"device-token\", " + tlsKeys));
        return path;
    }
}
