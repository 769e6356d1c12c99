using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using EdgeToken.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Agent.Tests.Receiver;

/// <summary>
/// A minimal real collector on loopback (Kestrel) that implements the receiving side of the wire contract:
/// bearer token, gzip, batch validation, and deduplication by (device, sequence). It records what arrived in
/// order, so tests can check "every record exactly once, in order". <see cref="Down"/> aborts every request,
/// as a link that dropped would.
/// </summary>
public sealed class LoopbackCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<long, UplinkRecord>> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);

    /// <param name="tls">HTTPS with this server certificate, and a client certificate required of every device
    /// (any is accepted; the subjects seen are in <see cref="ClientCertificates"/>).</param>
    public LoopbackCollector(string token = "device-token", int port = 0, X509Certificate2? tls = null)
    {
        Token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, listen =>
        {
            if (tls is not null)
                listen.UseHttps(tls, https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (_, _, _) => true;
                });
        }));
        _app = builder.Build();
        _app.MapPost(WireFormat.IngestPath, (Delegate)Ingest);
    }

    public string Token { get; }
    public bool Down { get; set; }
    public Uri Address { get; private set; } = null!;
    public long Duplicates { get; private set; }
    public long Requests { get; private set; }
    public long BodyBytes { get; private set; }
    /// <summary>Subjects of the client certificates that came with accepted requests.</summary>
    public IReadOnlyCollection<string> ClientCertificates { get { lock (_gate) return _clientCertificates.ToList(); } }
    private readonly HashSet<string> _clientCertificates = new(StringComparer.Ordinal);
    /// <summary>Batches whose new records did not continue right after the highest stored one (a reordering).</summary>
    public long OutOfOrder { get; private set; }

    public async Task StartAsync()
    {
        await _app.StartAsync();
        Address = new Uri(_app.Urls.First());
    }

    public IReadOnlyList<UplinkRecord> Records(string deviceId)
    {
        lock (_gate) return _stored.TryGetValue(deviceId, out var d) ? d.Values.ToList() : [];
    }

    private async Task<IResult> Ingest(HttpContext context)
    {
        if (Down) { context.Abort(); return Results.Empty; }
        if (context.Request.Headers.Authorization != $"Bearer {Token}") return Results.Unauthorized();
        var body = new MemoryStream();
        Stream source = context.Request.Body;
        if (context.Request.Headers.ContentEncoding == "gzip") source = new GZipStream(source, CompressionMode.Decompress);
        await source.CopyToAsync(body);
        var batch = WireFormat.Deserialize(body.ToArray());
        if (batch is null || batch.Format != WireFormat.Version || batch.Records.Count == 0)
            return Results.BadRequest(new IngestError("malformed", "not an UplinkBatch"));
        for (int i = 1; i < batch.Records.Count; i++)
            if (batch.Records[i].Sequence <= batch.Records[i - 1].Sequence)
                return Results.BadRequest(new IngestError("order", "sequences not increasing"));
        int accepted = 0, duplicates = 0;
        lock (_gate)
        {
            if (context.Connection.ClientCertificate is { } client) _clientCertificates.Add(client.Subject);
            Requests++;
            BodyBytes += context.Request.ContentLength ?? 0;
            if (!_stored.TryGetValue(batch.DeviceId, out var device)) _stored[batch.DeviceId] = device = new();
            long highest = _highest.GetValueOrDefault(batch.DeviceId);
            foreach (var r in batch.Records)
            {
                if (device.ContainsKey(r.Sequence)) { duplicates++; continue; }
                if (r.Sequence < highest) OutOfOrder++;
                device[r.Sequence] = r;
                highest = Math.Max(highest, r.Sequence);
                accepted++;
            }
            _highest[batch.DeviceId] = highest;
            Duplicates += duplicates;
            return Results.Json(new IngestResponse(accepted, duplicates, highest), WireJsonContext.Default.IngestResponse);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
