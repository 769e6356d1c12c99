using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using EdgeToken.Contracts;

namespace EdgeToken.Agent.Uplinks;

/// <summary>POSTs batches to the collector's ingest endpoint (docs/wire-format.md). TLS is HttpClient's own:
/// an https:// address is verified against the system's trust store, or against the CA agent.json names.</summary>
public sealed class HttpUplink : IUplink
{
    private readonly HttpClient _client;
    private readonly HttpUplinkOptions _options;
    private readonly Uri _ingest;

    public HttpUplink(HttpUplinkOptions options)
    {
        _options = options;
        _ingest = new Uri(options.Collector, WireFormat.IngestPath);
        var handler = new SocketsHttpHandler
        {
            // Re-resolve and reconnect now and then: a gateway's address may change while the agent runs for months.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.ClientCertificatePath is not null)
            handler.SslOptions.ClientCertificates = [TlsTrust.ClientCertificate(options.ClientCertificatePath, options.ClientKeyPath)];
        if (options.CaCertificatePath is not null)
        {
            var roots = TlsTrust.Roots(options.CaCertificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TlsTrust.IsTrusted(certificate, errors, roots);
        }
        _client = new HttpClient(handler) { Timeout = options.Timeout };
    }

    public string Name => $"http {_options.Collector}";

    public async Task<UplinkResult> SendAsync(ReadOnlyMemory<byte> batchJson, CancellationToken cancellationToken)
    {
        using var content = Body(batchJson);
        long wireBytes = content.Headers.ContentLength ?? batchJson.Length;
        using var request = new HttpRequestMessage(HttpMethod.Post, _ingest) { Content = content };
        if (_options.Token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return UplinkResult.Delivered(wireBytes);
            string detail = $"{(int)response.StatusCode} {await ReadShort(response, cancellationToken).ConfigureAwait(false)}";
            var retryAfter = response.Headers.RetryAfter?.Delta;
            return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500
                ? new UplinkResult(UplinkOutcome.Unavailable, detail, retryAfter)
                : new UplinkResult(UplinkOutcome.Refused, detail, retryAfter);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new UplinkResult(UplinkOutcome.Unavailable, e.Message);
        }
    }

    private HttpContent Body(ReadOnlyMemory<byte> json)
    {
        HttpContent content;
        if (_options.Gzip)
        {
            var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(json.Span);
            content = new ByteArrayContent(compressed.GetBuffer(), 0, (int)compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else content = new ReadOnlyMemoryContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<string> ReadShort(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length > 300 ? text[..300] : text;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
