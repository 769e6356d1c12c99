using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeToken.Collector.Dashboard;

/// <summary>HTTP Basic against the engineers' table, for the fleet API from a terminal.</summary>
public sealed class BasicAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IFleetStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
        catch (FormatException) { return AuthenticateResult.Fail("malformed Basic credentials"); }
        int colon = decoded.IndexOf(':');
        if (colon <= 0) return AuthenticateResult.Fail("malformed Basic credentials");
        var user = await EngineerSignIn.CheckAsync(store, decoded[..colon], decoded[(colon + 1)..], Context.RequestAborted);
        return user is null ? AuthenticateResult.Fail("wrong user or password") : AuthenticateResult.Success(new AuthenticationTicket(user, SchemeName));
    }
}

/// <summary>The one place a user name and password become a signed-in engineer.</summary>
public static class EngineerSignIn
{
    public static async Task<ClaimsPrincipal?> CheckAsync(IFleetStore store, string userName, string password, CancellationToken cancel)
    {
        var user = await store.FindUserAsync(userName, cancel);
        // Hash even for an unknown user, so the answer takes as long and does not reveal which names exist.
        bool ok = user is not null
            ? PasswordHasher.Verify(password, user.Salt, user.Hash, user.Iterations)
            : PasswordHasher.Verify(password, "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", PasswordHasher.Iterations) && false;
        return ok ? new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user!.UserName)], "Engineer")) : null;
    }
}
