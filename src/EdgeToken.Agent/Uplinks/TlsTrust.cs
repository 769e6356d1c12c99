using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeToken.Agent.Uplinks;

/// <summary>
/// TLS settings both uplinks share: a device's client certificate from PEM files, and trust in the collector's
/// or broker's certificate pinned to the CA (or self-signed certificate) agent.json names, instead of the
/// system's store. A fleet's own CA is the usual case on devices; the name must still match.
/// </summary>
internal static class TlsTrust
{
    /// <summary>A certificate and its private key from PEM (the key may be in the certificate's file).</summary>
    public static X509Certificate2 ClientCertificate(string certificatePath, string? keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    public static X509Certificate2Collection Roots(string caPath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caPath);
        return roots;
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="roots"/> and is for the
    /// host that was dialled (the platform's name check is kept; only the trust anchor changes).</summary>
    public static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a device in the field often cannot reach a CRL
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
