using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeToken.Agent.Outbox;
using EdgeToken.Agent.Uplinks;
using Microsoft.Extensions.Logging.Abstractions;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Tests.Uplinks;

/// <summary>A test that starts its own Mosquitto (a TLS listener needs its own configuration); skipped without the binary.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public const string Binary = "/usr/sbin/mosquitto";

    public MosquittoFactAttribute()
    {
        if (!File.Exists(Binary)) Skip = "NO MOSQUITTO: /usr/sbin/mosquitto is missing (tests/setup.d/50-collector.sh installs it)";
    }
}

/// <summary>MQTT over TLS to a real Mosquitto that requires a client certificate, with the broker's self-signed
/// certificate pinned by the device.</summary>
public sealed class MqttTlsTests
{
    [MosquittoFact]
    public async Task Mqtt_over_tls_with_a_client_certificate_delivers_and_without_one_keeps_the_backlog()
    {
        using var dir = new TempDirectory();
        using var certificates = new TestCertificates(dir.Path);
        int port = FreePort();
        string conf = Path.Combine(dir.Path, "mosquitto.conf");
        File.WriteAllText(conf, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            cafile {certificates.ClientPem}
            certfile {certificates.ServerPem}
            keyfile {certificates.ServerKeyPem}
            require_certificate true
            {(Environment.UserName == "root" ? "user root" : "")}
            """);
        using var broker = Process.Start(new ProcessStartInfo(MosquittoFactAttribute.Binary, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            await WaitForPort(port);
            using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = Path.Combine(dir.Path, "outbox") });
            for (int i = 1; i <= 50; i++) outbox.Append(Records.Summary(i));

            await using (var anonymous = new MqttUplink(Options(port, certificates.ServerPem, client: null)))
            {
                var refused = new UplinkSender(outbox, anonymous, "wagon-tls", new UplinkSenderOptions { MaxBackoff = TimeSpan.FromMilliseconds(200) }, NullLogger.Instance);
                Assert.False(await refused.DrainAsync(TimeSpan.FromSeconds(3)));
                Assert.Equal(50, outbox.Count);
            }

            await using var uplink = new MqttUplink(Options(port, certificates.ServerPem, certificates));
            var sender = new UplinkSender(outbox, uplink, "wagon-tls", new UplinkSenderOptions { MaxRecordsPerBatch = 20 }, NullLogger.Instance);
            Assert.True(await sender.DrainAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, outbox.Count);
            Assert.Equal(50, sender.Statistics.Records);
        }
        finally
        {
            broker.Kill();
            broker.WaitForExit();
        }
    }

    private static MqttUplinkOptions Options(int port, string ca, TestCertificates? client) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        DeviceId = "wagon-tls",
        AgentVersion = "test",
        Tls = true,
        CaCertificatePath = ca,
        ClientCertificatePath = client?.ClientPem,
        ClientKeyPath = client?.ClientKeyPem,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPort(int port)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new TimeoutException($"mosquitto did not listen on {port}");
    }
}
