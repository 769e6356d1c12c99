using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeToken.Collector.Ingest;

/// <summary>A token bucket per authenticated device on the ingest endpoint; over it, 429 with Retry-After.</summary>
public static class DeviceRateLimit
{
    public const string Policy = "edgetoken-device";

    public static IServiceCollection AddDeviceRateLimit(this IServiceCollection services, CollectorOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                string device = context.User.FindFirst(DeviceAuthentication.DeviceClaim)?.Value ?? "";
                return RateLimitPartition.GetTokenBucketLimiter(device, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.DeviceBurst,
                    TokensPerPeriod = options.DeviceRequestsPerSecond,
                    ReplenishmentPeriod = options.DeviceReplenishmentPeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (rejected, cancel) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? wait : TimeSpan.FromSeconds(1);
                int seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                string device = rejected.HttpContext.User.FindFirst(DeviceAuthentication.DeviceClaim)?.Value ?? "?";
                await DeviceAuthentication.Refuse(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"device \"{device}\" sent more than {options.DeviceRequestsPerSecond} batches per second (burst {options.DeviceBurst}); retry after {seconds} s");
            };
        });
}
