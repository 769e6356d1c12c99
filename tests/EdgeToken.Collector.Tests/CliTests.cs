using System.Diagnostics;
using System.Text.Json;
using EdgeToken.Collector.Dashboard;

namespace EdgeToken.Collector.Tests;

/// <summary>The edgetoken verbs as a person types them: register a device and an engineer, ask a running collector about the fleet.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Devices_and_engineers_registered_on_the_command_line_use_the_collector_and_fleet_reports_it()
    {
        var database = TestDatabases.NewSqlite();
        string db = $"sqlite:{database.Target}";
        var (code, output, _) = await Run(null, "collector", "device", "add", "wagon-1", "--db", db, "--json");
        Assert.Equal(0, code);
        string token = JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!;
        Assert.StartsWith("wagon-1.", token);
        Assert.Equal(0, (await Run(new() { ["EDGETOKEN_PASSWORD"] = "signal-box-42" }, "collector", "user", "add", "anna", "--db", db)).Code);

        await using var c = await TestCollector.StartAsync(database);
        await TestCollector.Accepted(await c.PostAsync(token, Batches.Of("wagon-1", Batches.Summary(1), Batches.Event(2))));
        var login = new Dictionary<string, string> { ["EDGETOKEN_USER"] = "anna", ["EDGETOKEN_PASSWORD"] = "signal-box-42" };
        (code, output, _) = await Run(login, "fleet", "devices", "--collector", c.Host.Address.ToString(), "--json");
        Assert.Equal(0, code);
        var device = Assert.Single(JsonSerializer.Deserialize(output, FleetJsonContext.Default.FleetDeviceArray)!);
        Assert.Equal(("wagon-1", "alarm", 2L, 1), (device.DeviceId, device.Health, device.Records, device.ActiveAlerts));
        (code, output, _) = await Run(login, "fleet", "alerts", "--collector", c.Host.Address.ToString());
        Assert.Equal(0, code);
        Assert.Contains("wagon-1 #2 bearing outer-race", output);

        var wrong = new Dictionary<string, string> { ["EDGETOKEN_USER"] = "anna", ["EDGETOKEN_PASSWORD"] = "wrong" };
        var (badCode, _, error) = await Run(wrong, "fleet", "status", "--collector", c.Host.Address.ToString());
        Assert.Equal(2, badCode);
        Assert.Contains("refused EDGETOKEN_USER/EDGETOKEN_PASSWORD", error);
        (badCode, _, error) = await Run(null, "collector", "device", "add", "x", "--db", "mysql:somewhere");
        Assert.Equal(2, badCode);
        Assert.StartsWith("error: --db mysql:somewhere: expected sqlite:PATH or postgres:", error);
    }

    static async Task<(int Code, string Output, string Error)> Run(Dictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgetoken.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("EDGETOKEN_PASSWORD");
        foreach (var (k, v) in env ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
