using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeToken.Collector.Dashboard;

/// <summary>
/// Engineers log in: a cookie for the browser, HTTP Basic for <c>edgetoken fleet</c> in a terminal. Both check the
/// same users table (PBKDF2 hashes). Pages redirect to /login; the JSON API answers 401.
/// </summary>
public static class DashboardLogin
{
    public const string Scheme = "Engineer";
    public const string Policy = "engineer";

    public static IServiceCollection AddDashboardLogin(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "cookie or basic", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
                    ? BasicAuthentication.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "edgetoken.engineer";
                o.Cookie.HttpOnly = true;
                // Strict: a form on another site cannot post an acknowledgement with the engineer's cookie.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = 401;
                    else context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BasicAuthentication>(BasicAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(o => o.Cookie.Name = "edgetoken.antiforgery");
        return services;
    }
}
