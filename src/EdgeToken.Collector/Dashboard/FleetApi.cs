using System.Text.Json.Serialization;
using EdgeToken.Collector.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeToken.Collector.Dashboard;

public sealed record FleetStatus(int Devices, int Ok, int Alarm, int Silent, int Revoked, int ActiveAlerts, long Records, long UplinkBytes, string Store, int SchemaVersion);

public sealed record FleetDevice(string DeviceId, string Health, DateTimeOffset? LastSeen, int ActiveAlerts, double? LatestScore,
    long Records, long UplinkBytes, long Batches, long RecordsDropped, string? State, string? AgentVersion);

public sealed record FleetAlert(string DeviceId, long Sequence, DateTimeOffset RaisedAt, string Pipeline, string? Label, double Score,
    string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? Comment);

/// <summary>The JSON shapes <c>edgetoken fleet</c> reads: stable, camelCase.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FleetStatus))]
[JsonSerializable(typeof(FleetDevice[]))]
[JsonSerializable(typeof(FleetAlert[]))]
public sealed partial class FleetJsonContext : JsonSerializerContext;

/// <summary>GET /api/v1/fleet/status, /devices, /alerts[?all=true]: what the dashboard shows, for terminals and scripts.</summary>
public static class FleetApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/fleet").RequireAuthorization(DashboardLogin.Policy);
        api.MapGet("/status", async (IFleetStore store, CancellationToken cancel) => Results.Json(await StatusAsync(store, cancel), FleetJsonContext.Default.FleetStatus));
        api.MapGet("/devices", async (IFleetStore store, CancellationToken cancel) => Results.Json(await DevicesAsync(store, cancel), FleetJsonContext.Default.FleetDeviceArray));
        api.MapGet("/alerts", async (IFleetStore store, bool? all, CancellationToken cancel) =>
            Results.Json((await store.AlertsAsync(all != true, null, cancel)).Select(ToAlert).ToArray(), FleetJsonContext.Default.FleetAlertArray));
    }

    public static async Task<FleetStatus> StatusAsync(IFleetStore store, CancellationToken cancel)
    {
        var devices = await DevicesAsync(store, cancel);
        var totals = await store.TotalsAsync(cancel);
        int Count(string health) => devices.Count(d => d.Health == health);
        return new FleetStatus(devices.Length, Count("ok"), Count("alarm"), Count("silent"), Count("revoked"), totals.ActiveAlerts, totals.Records, totals.Bytes,
            store.Provider, await store.SchemaVersionAsync(cancel));
    }

    public static async Task<FleetDevice[]> DevicesAsync(IFleetStore store, CancellationToken cancel)
    {
        var now = DateTimeOffset.UtcNow;
        return (await store.DevicesAsync(cancel)).Select(d => new FleetDevice(d.DeviceId, DeviceHealth.Of(d, now), d.LastSeen, d.ActiveAlerts, d.LatestScore,
            d.RecordsReceived, d.BytesReceived, d.BatchesReceived, d.RecordsDropped, d.State, d.AgentVersion)).ToArray();
    }

    public static FleetAlert ToAlert(AlertRow a) => new(a.DeviceId, a.Sequence, a.RaisedAt, a.Pipeline, a.Label, a.Score, a.AcknowledgedBy, a.AcknowledgedAt, a.Comment);
}
