using System.Security.Claims;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using EdgeToken.Contracts;
using Microsoft.AspNetCore.Http;

namespace EdgeToken.Collector.Ingest;

/// <summary>
/// Authenticates the ingest endpoint's bearer token before the rate limiter runs, so the limiter partitions by
/// the device that proved who it is, not by what an anonymous client claims. 401 for a missing or wrong token,
/// 403 for a revoked device.
/// </summary>
public sealed class DeviceAuthentication(RequestDelegate next)
{
    public const string DeviceClaim = "edgetoken.device";

    public async Task InvokeAsync(HttpContext context, IFleetStore store)
    {
        // Routing matches case-insensitively and with a trailing slash; so must this, or such a path would skip it.
        if (!string.Equals(context.Request.Path.Value?.TrimEnd('/'), WireFormat.IngestPath, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !DeviceToken.TrySplit(header[7..].Trim(), out string deviceId, out string secret))
        {
            await Refuse(context, 401, "missing_credential", "send the device's token as \"Authorization: Bearer <token>\" (edgetoken collector device add prints it)");
            return;
        }
        var credential = await store.FindDeviceAsync(deviceId, context.RequestAborted);
        if (credential is null || !DeviceToken.Verify(credential.TokenSalt, credential.TokenHash, secret))
        {
            await Refuse(context, 401, "unknown_credential", "the token is not a registered device's token");
            return;
        }
        if (credential.RevokedAt is { } revoked)
        {
            await Refuse(context, 403, "device_revoked", $"device \"{deviceId}\" was revoked at {revoked:u}; register it again to issue a new token");
            return;
        }
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(DeviceClaim, deviceId)], "DeviceToken"));
        await next(context);
    }

    internal static async Task Refuse(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        if (status == 401) context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(new IngestError(code, message), WireJsonContext.Default.IngestError, contentType: null, context.RequestAborted);
    }
}
