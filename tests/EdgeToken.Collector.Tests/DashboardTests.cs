using System.Net;
using EdgeToken.Collector.Credentials;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace EdgeToken.Collector.Tests;

/// <summary>
/// The dashboard as an engineer uses it, in the system's Chromium driven by Playwright: log in, read the fleet,
/// follow a device to its charts and events, acknowledge its alert with a comment. Screenshots go to
/// bin/.../screenshots/ and their paths are printed.
/// </summary>
[Needs("EDGETOKEN_CHROMIUM", "Chromium")]
public sealed class DashboardTests(ITestOutputHelper output)
{
    [ServiceFact]
    public async Task An_engineer_logs_in_follows_a_device_and_acknowledges_its_alert()
    {
        await using var c = await TestCollector.StartAsync(TestDatabases.NewSqlite());
        var (salt, hash, iterations) = PasswordHasher.Hash("correct horse battery");
        await c.Store.AddUserAsync("anna", salt, hash, iterations, DateTimeOffset.UtcNow);
        string faulty = await c.RegisterAsync("wagon-17-axle-3");
        string healthy = await c.RegisterAsync("wagon-17-axle-4");
        var records = Enumerable.Range(1, 40).Select(i => Batches.Summary(i, mean: 0.05 + (i > 25 ? (i - 25) * 0.04 : 0), topClass: i > 30 ? "outer-race" : "healthy")).ToList();
        records.Add(Batches.Event(41, score: 0.71));
        await TestCollector.Accepted(await c.PostAsync(faulty, Batches.Of("wagon-17-axle-3", [.. records])));
        await TestCollector.Accepted(await c.PostAsync(healthy, Batches.Summaries("wagon-17-axle-4", 1, 20)));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("EDGETOKEN_CHROMIUM"),
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        string shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        async Task Shot(string name)
        {
            string path = Path.Combine(shots, name + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
        }

        await page.GotoAsync(c.Host.Address + "devices/wagon-17-axle-3");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath);
        await page.FillAsync("input[name=user]", "anna");
        await page.FillAsync("input[name=password]", "wrong password");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("Wrong user name or password", await page.InnerTextAsync("main"));
        await page.FillAsync("input[name=user]", "anna");
        await page.FillAsync("input[name=password]", "correct horse battery");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("/devices/wagon-17-axle-3", new Uri(page.Url).AbsolutePath); // back where the engineer was going

        await page.GotoAsync(c.Host.Address.ToString());
        var rows = page.Locator("table.fleet tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        Assert.Contains("alarm", await rows.Nth(0).InnerTextAsync());
        Assert.Contains("ok", await rows.Nth(1).InnerTextAsync());
        await Shot("1-fleet");

        await page.ClickAsync("a.device:text('wagon-17-axle-3')");
        Assert.Equal("/devices/wagon-17-axle-3", new Uri(page.Url).AbsolutePath);
        Assert.Equal(40, await page.Locator("svg.score-chart circle.point").CountAsync());
        Assert.Equal(40, await page.Locator("svg.class-chart rect[height='30']").CountAsync());
        Assert.Contains("outer-race", await page.InnerTextAsync("table.events"));
        Assert.Equal(1, await page.Locator("table.events svg.spark").CountAsync());
        await Shot("2-device");

        await page.FillAsync("form.ack-form input[name=comment]", "Bearing inspected at Basel depot; replacement booked for Friday");
        await page.ClickAsync("form.ack-form button");
        Assert.Equal("/devices/wagon-17-axle-3", new Uri(page.Url).AbsolutePath);
        Assert.Contains("anna", await page.InnerTextAsync("table.alerts .ack"));
        Assert.Contains("replacement booked", await page.InnerTextAsync("table.alerts .ack"));
        await Shot("3-acknowledged");

        var alert = Assert.Single(await c.Store.AlertsAsync(false, "wagon-17-axle-3"));
        Assert.Equal("anna", alert.AcknowledgedBy);
        Assert.Equal("Bearing inspected at Basel depot; replacement booked for Friday", alert.Comment);
        Assert.Empty(await c.Store.AlertsAsync(true, null));

        await page.GotoAsync(c.Host.Address.ToString());
        Assert.Contains("ok", await page.Locator("table.fleet tbody tr").Nth(0).InnerTextAsync());
    }

    [Fact]
    public async Task Pages_and_the_fleet_api_need_a_login()
    {
        await using var c = await TestCollector.StartAsync(TestDatabases.NewSqlite());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = c.Host.Address };
        var page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/fleet/status")).StatusCode);
        var ack = await http.PostAsync("/alerts/wagon-1/1/ack", new FormUrlEncodedContent([new("comment", "x")]));
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.StartsWith("/login", ack.Headers.Location!.PathAndQuery);
    }
}
