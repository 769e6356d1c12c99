using EdgeToken.Collector.Storage;

namespace EdgeToken.Collector.Dashboard;

/// <summary>One word per device for the fleet page, worst first: revoked, silent, alarm, ok.</summary>
public static class DeviceHealth
{
    /// <summary>A device that sent nothing for this long is silent: agents send a heartbeat every minute or so.</summary>
    public static readonly TimeSpan SilentAfter = TimeSpan.FromMinutes(10);

    public static string Of(DeviceOverview d, DateTimeOffset now) =>
        d.RevokedAt is not null ? "revoked"
        : d.LastSeen is null || now - d.LastSeen > SilentAfter || d.State == "death" ? "silent"
        : d.ActiveAlerts > 0 ? "alarm"
        : "ok";
}
