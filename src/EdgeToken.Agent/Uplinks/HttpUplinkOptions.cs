namespace EdgeToken.Agent.Uplinks;

/// <summary>The collector's address and this device's credential.</summary>
public sealed class HttpUplinkOptions
{
    /// <summary>The collector's base address (http:// or https://); the batch goes to <c>WireFormat.IngestPath</c> under it.</summary>
    public required Uri Collector { get; init; }

    /// <summary>The device's bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>A client certificate (PEM) and its key, for collectors that authenticate devices by TLS.</summary>
    public string? ClientCertificatePath { get; init; }
    public string? ClientKeyPath { get; init; }

    /// <summary>PEM certificate(s) to trust for the collector instead of the system's store: the fleet's CA, or
    /// the collector's self-signed certificate. The certificate must still name the host dialled.</summary>
    public string? CaCertificatePath { get; init; }

    public bool Gzip { get; init; } = true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
