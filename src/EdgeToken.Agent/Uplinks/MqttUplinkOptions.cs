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
}
