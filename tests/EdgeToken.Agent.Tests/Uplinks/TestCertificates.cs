using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeToken.Agent.Tests.Uplinks;

/// <summary>Self-signed certificates made for one test: a server certificate for 127.0.0.1 and a device's client
/// certificate, each also written as PEM files (certificate, and key in its own file) the way agent.json names them.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(string directory)
    {
        Server = Create("CN=edgetoken-test-collector", server: true);
        Client = Create("CN=wagon-17-axle-3", server: false);
        ServerPem = Write(directory, "collector", Server, out ServerKeyPem);
        ClientPem = Write(directory, "device", Client, out ClientKeyPem);
    }

    public X509Certificate2 Server { get; }
    public X509Certificate2 Client { get; }
    public readonly string ServerPem, ServerKeyPem, ClientPem, ClientKeyPem;

    private static X509Certificate2 Create(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that Kestrel and SslStream on Linux get a key they can use.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private static string Write(string directory, string name, X509Certificate2 certificate, out string keyPath)
    {
        string path = Path.Combine(directory, name + ".pem");
        keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return path;
    }

    public void Dispose()
    {
        Server.Dispose();
        Client.Dispose();
    }
}
