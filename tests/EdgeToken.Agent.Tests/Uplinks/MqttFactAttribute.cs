namespace EdgeToken.Agent.Tests.Uplinks;

/// <summary>A test that needs the Mosquitto broker tests/setup.d/30-mosquitto.sh starts; skipped, saying so, without it.</summary>
public sealed class MqttFactAttribute : FactAttribute
{
    public MqttFactAttribute()
    {
        if (Broker is null) Skip = "NO MQTT BROKER: set EDGETOKEN_MQTT=127.0.0.1:PORT (tests/run.sh starts Mosquitto via tests/setup.d/50-collector.sh)";
    }

    public static (string Host, int Port)? Broker =>
        Environment.GetEnvironmentVariable("EDGETOKEN_MQTT") is { } v && v.LastIndexOf(':') is int colon and > 0
            ? (v[..colon], int.Parse(v[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            : null;
}
