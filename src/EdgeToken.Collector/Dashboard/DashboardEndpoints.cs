using System.Security.Claims;
using EdgeToken.Collector.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeToken.Collector.Dashboard;

/// <summary>The dashboard's routes: login and logout, the fleet, a device, the alerts and their acknowledgement, the two assets, the fleet API.</summary>
public static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Pages.Content(Pages.Login(null, LocalOr(returnUrl, "/"), antiforgery.GetAndStoreTokens(context))));
        app.MapPost("/login", LoginAsync);
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        app.MapGet("/assets/{name}", (string name) => Assets.Serve(name));

        var pages = app.MapGroup("").RequireAuthorization(DashboardLogin.Policy);
        pages.MapGet("/", async (HttpContext context, IFleetStore store, CancellationToken cancel) =>
            Pages.Content(Pages.Fleet(User(context), await FleetApi.StatusAsync(store, cancel), await FleetApi.DevicesAsync(store, cancel))));
        pages.MapGet("/devices/{deviceId}", async (string deviceId, HttpContext context, IFleetStore store, IAntiforgery antiforgery, CancellationToken cancel) =>
        {
            var device = (await FleetApi.DevicesAsync(store, cancel)).FirstOrDefault(d => d.DeviceId == deviceId);
            if (device is null) return Pages.Content(Html.Page("Unknown device", User(context), $"<h1>No device \"{Html.E(deviceId)}\"</h1><p><a href=\"/\">Back to the fleet</a></p>"), 404);
            return Pages.Content(Pages.Device(User(context), device, await store.SummariesAsync(deviceId, 500, cancel), await store.EventsAsync(deviceId, 50, cancel),
                await store.AlertsAsync(false, deviceId, cancel), antiforgery.GetAndStoreTokens(context)));
        });
        pages.MapGet("/alerts", async (HttpContext context, IFleetStore store, IAntiforgery antiforgery, CancellationToken cancel) =>
            Pages.Content(Pages.Alerts(User(context), await store.AlertsAsync(true, null, cancel), await store.AlertsAsync(false, null, cancel), antiforgery.GetAndStoreTokens(context))));
        pages.MapPost("/alerts/{deviceId}/{sequence:long}/ack", AcknowledgeAsync);
        FleetApi.Map(app);
        return app;
    }

    static async Task<IResult> LoginAsync(HttpContext context, IFleetStore store, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string returnUrl = LocalOr(form["returnUrl"], "/");
        var user = await EngineerSignIn.CheckAsync(store, form["user"].ToString(), form["password"].ToString(), context.RequestAborted);
        if (user is null)
            return Pages.Content(Pages.Login("Wrong user name or password.", returnUrl, antiforgery.GetAndStoreTokens(context)), 401);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(user.Claims, CookieAuthenticationDefaults.AuthenticationScheme)));
        return Results.Redirect(returnUrl);
    }

    static async Task<IResult> AcknowledgeAsync(string deviceId, long sequence, HttpContext context, IFleetStore store, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string comment = form["comment"].ToString().Trim();
        if (comment.Length is 0 or > 2000)
            return Pages.Content(Html.Page("Comment needed", User(context), "<h1>An acknowledgement needs a comment</h1><p>Say what was done or decided (up to 2000 characters). <a href=\"/alerts\">Back</a></p>"), 400);
        bool done = await store.AcknowledgeAlertAsync(deviceId, sequence, User(context), comment, DateTimeOffset.UtcNow, context.RequestAborted);
        if (!done)
            return Pages.Content(Html.Page("Not acknowledged", User(context), "<h1>No such active alert</h1><p>It does not exist or someone acknowledged it already. <a href=\"/alerts\">Back</a></p>"), 409);
        return Results.Redirect(LocalOr(form["returnTo"], "/alerts"));
    }

    static string User(HttpContext context) => context.User.Identity?.Name ?? "?";

    // Only paths on this site: an open redirect would let a link log someone in and send them elsewhere.
    static string LocalOr(string? url, string fallback) =>
        url is { Length: > 0 } u && u[0] == '/' && !u.StartsWith("//", StringComparison.Ordinal) && !u.StartsWith("/\\", StringComparison.Ordinal) ? u : fallback;
}
