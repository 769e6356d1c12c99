using System.Net.Http.Headers;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Collector.Tests;

/// <summary>A real collector (Kestrel on 127.0.0.1, a free port) and an HTTP client, as a device would see it.</summary>
public sealed class TestCollector : IAsyncDisposable
{
    public required CollectorHost Host { get; init; }
    public required HttpClient Http { get; init; }
    public IFleetStore Store => Host.Store;

    public static async Task<TestCollector> StartAsync(DatabaseLocation database, Action<CollectorOptions>? configure = null)
    {
        var options = new CollectorOptions { Urls = "http://127.0.0.1:0", Database = database, InstanceName = "test", FrameworkLogLevel = LogLevel.Error };
        configure?.Invoke(options);
        var host = await CollectorHost.StartAsync(options);
        return new TestCollector { Host = host, Http = new HttpClient { BaseAddress = host.Address } };
    }

    public async Task<string> RegisterAsync(string deviceId)
    {
        string token = DeviceToken.Issue(deviceId, out string salt, out string hash);
        await Store.RegisterDeviceAsync(deviceId, salt, hash, DateTimeOffset.UtcNow);
        return token;
    }

    public Task<HttpResponseMessage> PostAsync(string? token, UplinkBatch batch) => PostAsync(token, WireFormat.Serialize(batch));

    public async Task<HttpResponseMessage> PostAsync(string? token, byte[] body, string? encoding = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WireFormat.IngestPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (encoding is not null) request.Content.Headers.ContentEncoding.Add(encoding);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    public static async Task<IngestResponse> Accepted(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, WireJsonContext.Default.IngestResponse)!;
    }

    public static async Task<IngestError> Refused(HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize(body, WireJsonContext.Default.IngestError)!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
