using EdgeToken.Collector.Dashboard;
using EdgeToken.Collector.Ingest;
using EdgeToken.Collector.Mqtt;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeToken.Collector;

/// <summary>
/// A running collector: Kestrel with the ingest endpoint, the dashboard and the fleet API, the store (migrated at
/// start), and the MQTT subscriber when a broker is given. The CLI's <c>edgetoken collector</c> and the tests both
/// start it through <see cref="StartAsync"/>.
/// </summary>
public sealed class CollectorHost : IAsyncDisposable
{
    readonly WebApplication _app;

    CollectorHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address HTTP really listens on (the port resolved when the options asked for port 0).</summary>
    public Uri Address { get; }

    public IFleetStore Store => _app.Services.GetRequiredService<IFleetStore>();

    public IServiceProvider Services => _app.Services;

    public static async Task<CollectorHost> StartAsync(CollectorOptions options, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft", options.FrameworkLogLevel).AddFilter("System", options.FrameworkLogLevel);
        builder.Services.AddEdgeTokenCollector(options);
        var app = builder.Build();
        app.MapEdgeTokenCollector();
        await app.Services.GetRequiredService<IFleetStore>().MigrateAsync(cancel);
        await app.StartAsync(cancel);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new CollectorHost(app, new Uri(addresses.First()));
    }

    public Task WaitForShutdownAsync(CancellationToken cancel = default) => _app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class CollectorServiceCollectionExtensions
{
    /// <summary>The collector's services: the store named by the options, ingest, rate limits, dashboard login, MQTT subscriber.</summary>
    public static IServiceCollection AddEdgeTokenCollector(this IServiceCollection services, CollectorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(_ => options.Database.Open());
        services.AddSingleton<BatchIngestor>();
        services.AddDeviceRateLimit(options);
        services.AddDashboardLogin();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WireJsonContext.Default));
        if (options.Mqtt is not null) services.AddHostedService<MqttSubscriber>();
        return services;
    }

    /// <summary>Ingest at <see cref="WireFormat.IngestPath"/>, the dashboard at /, the fleet API under /api/v1/fleet.</summary>
    public static WebApplication MapEdgeTokenCollector(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<DeviceAuthentication>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost(WireFormat.IngestPath, IngestEndpoint.HandleAsync).RequireRateLimiting(DeviceRateLimit.Policy);
        app.MapDashboard();
        return app;
    }
}
