namespace EdgeToken.Agent.Uplinks;

public sealed class MqttUplinkOptions
{
    public required string Host { get; init; }
    public int Port { get; init; } = 1883;
    public required string DeviceId { get; init; }
    public required string AgentVersion { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public bool Tls { get; init; }

    /// <summary>With <see cref="Tls"/>: PEM certificate(s) to trust for the broker instead of the system's store.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>With <see cref="Tls"/>: the device's client certificate and key (PEM), for brokers that authenticate devices by TLS.</summary>
    public string? ClientCertificatePath { get; init; }
    public string? ClientKeyPath { get; init; }
}
