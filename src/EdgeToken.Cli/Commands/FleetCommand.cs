using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeToken.Collector.Dashboard;

namespace EdgeToken.Cli.Commands;

/// <summary><c>edgetoken fleet status|devices|alerts --collector URL</c>: the dashboard's figures in a terminal.</summary>
internal static class FleetCommand
{
    public static Command Create() => new("fleet", "Ask a running collector about the fleet. Logs in as EDGETOKEN_USER with EDGETOKEN_PASSWORD (an engineer added with 'edgetoken collector user add').")
    {
        Verb("status", "Devices by health, active alerts, records and uplink volume.", async (client, json, all) =>
        {
            var s = await GetAsync(client, "status", FleetJsonContext.Default.FleetStatus);
            if (json) { JsonOutput.Write(s); return 0; }
            Console.WriteLine($"devices {s.Devices}: ok {s.Ok}, alarm {s.Alarm}, silent {s.Silent}, revoked {s.Revoked}");
            Console.WriteLine($"active alerts {s.ActiveAlerts}; records {s.Records}; uplink {s.UplinkBytes} bytes; store {s.Store} (schema {s.SchemaVersion})");
            return 0;
        }),
        Verb("devices", "Every device: health, last seen, active alerts, latest score, records and uplink volume.", async (client, json, all) =>
        {
            var devices = await GetAsync(client, "devices", FleetJsonContext.Default.FleetDeviceArray);
            if (json) { JsonOutput.Write(devices); return 0; }
            Console.WriteLine($"{"device",-28} {"health",-8} {"last seen (UTC)",-20} {"alerts",6} {"score",8} {"records",9} {"uplink",10}");
            foreach (var d in devices)
                Console.WriteLine($"{d.DeviceId,-28} {d.Health,-8} {d.LastSeen?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") ?? "never",-20} {d.ActiveAlerts,6} {d.LatestScore?.ToString("0.###") ?? "-",8} {d.Records,9} {d.UplinkBytes,10}");
            return 0;
        }),
        Verb("alerts", "Active alerts (with --all, acknowledged ones too, with who, when and the comment).", async (client, json, all) =>
        {
            var alerts = await GetAsync(client, all ? "alerts?all=true" : "alerts", FleetJsonContext.Default.FleetAlertArray);
            if (json) { JsonOutput.Write(alerts); return 0; }
            foreach (var a in alerts)
                Console.WriteLine($"{a.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} {a.DeviceId} #{a.Sequence} {a.Pipeline} {a.Label ?? "-"} score {a.Score:0.###}"
                    + (a.AcknowledgedBy is null ? " ACTIVE" : $" acknowledged by {a.AcknowledgedBy} at {a.AcknowledgedAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss}: {a.Comment}"));
            if (alerts.Length == 0) Console.WriteLine("no alerts");
            return 0;
        }),
    };

    static Command Verb(string name, string description, Func<HttpClient, bool, bool, Task<int>> run)
    {
        var collector = new Option<string>("--collector") { Description = "The collector's address, e.g. http://127.0.0.1:5080.", Required = true };
        var json = CliOptions.Json();
        var all = new Option<bool>("--all") { Description = "alerts: include acknowledged alerts." };
        var command = new Command(name, description) { collector, json };
        if (name == "alerts") command.Add(all);
        command.SetAction((parse, cancel) => CollectorCommand.RunAsync(async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(collector), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new CliUsageException($"--collector {parse.GetValue(collector)}: expected an http(s) address, e.g. http://127.0.0.1:5080");
            string user = Environment.GetEnvironmentVariable("EDGETOKEN_USER") ?? throw new CliUsageException("set EDGETOKEN_USER and EDGETOKEN_PASSWORD to an engineer's login");
            string password = Environment.GetEnvironmentVariable("EDGETOKEN_PASSWORD") ?? throw new CliUsageException("set EDGETOKEN_PASSWORD to the engineer's password");
            using var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
            return await run(client, parse.GetValue(json), parse.GetValue(all));
        }));
        return command;
    }

    static async Task<T> GetAsync<T>(HttpClient client, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        using var response = await client.GetAsync("/api/v1/fleet/" + path);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            throw new CliUsageException($"{client.BaseAddress}: the collector refused EDGETOKEN_USER/EDGETOKEN_PASSWORD (401)");
        if (!response.IsSuccessStatusCode)
            throw new CliUsageException($"{client.BaseAddress}api/v1/fleet/{path}: HTTP {(int)response.StatusCode}");
        return JsonSerializer.Deserialize(await response.Content.ReadAsStreamAsync(), type)
            ?? throw new CliUsageException($"{client.BaseAddress}: an empty answer");
    }
}
