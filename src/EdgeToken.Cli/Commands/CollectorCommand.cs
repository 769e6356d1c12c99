using System.CommandLine;
using EdgeToken.Collector;
using EdgeToken.Collector.Credentials;
using EdgeToken.Collector.Storage;

namespace EdgeToken.Cli.Commands;

public sealed record DeviceRegistration(string DeviceId, string Token);

/// <summary>
/// <c>edgetoken collector</c>: runs the collector (HTTP ingest, MQTT subscriber, dashboard); its subcommands
/// register devices and engineers in the same database.
/// </summary>
internal static class CollectorCommand
{
    public static Option<string> Db() => new("--db")
    {
        Description = "Where the fleet lives: sqlite:PATH (one file, the default) or postgres:CONNECTION-STRING (Npgsql keywords, e.g. postgres:Host=db;Username=edgetoken;Database=fleet).",
        DefaultValueFactory = _ => "sqlite:edgetoken-fleet.db",
    };

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where HTTP listens (ingest, dashboard, fleet API).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var db = Db();
        var mqtt = new Option<string?>("--mqtt") { Description = "HOST:PORT of an MQTT broker to subscribe to (shared subscription, so several collectors split the stream)." };
        var name = new Option<string?>("--name") { Description = "This collector's name: in the records it stores, and its MQTT session (unique per collector, stable across restarts; default: the machine name)." };
        var rate = new Option<int>("--device-rate") { Description = "Batches per second each device may send (token bucket; burst 4x).", DefaultValueFactory = _ => 50 };
        var command = new Command("collector", "Run the fleet collector: HTTP ingest at /api/v1/ingest, an MQTT subscriber with --mqtt, and the dashboard for maintenance engineers at /.")
        {
            urls, db, mqtt, name, rate,
            DeviceCommands(), UserCommands(),
        };
        command.SetAction((parse, cancel) => RunAsync(() => ServeAsync(new CollectorOptions
        {
            Urls = parse.GetValue(urls)!,
            Database = Location(parse.GetValue(db)!),
            Mqtt = CheckMqtt(parse.GetValue(mqtt)),
            InstanceName = parse.GetValue(name) ?? Environment.MachineName,
            DeviceRequestsPerSecond = parse.GetValue(rate),
            DeviceBurst = parse.GetValue(rate) * 4,
        }, cancel)));
        return command;
    }

    static async Task<int> ServeAsync(CollectorOptions options, CancellationToken cancel)
    {
        await using var host = await CollectorHost.StartAsync(options, cancel);
        int version = await host.Store.SchemaVersionAsync(cancel);
        Console.WriteLine($"collector: {options.InstanceName} listening on {host.Address} (dashboard at {host.Address}), store {options.Database} schema {version}"
            + (options.Mqtt is null ? "" : $", mqtt {options.Mqtt}"));
        await host.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    static Command DeviceCommands()
    {
        var id = new Argument<string>("device") { Description = "The device id, as its agent configuration names it (e.g. wagon-17-axle-3)." };
        var db = Db();
        var json = CliOptions.Json();
        var add = new Command("add", "Register a device (or issue a new token for it) and print its bearer token. Only a salted hash is stored: keep the token, it is shown once.") { id, db, json };
        add.SetAction((parse, cancel) => RunAsync(async () =>
        {
            string device = parse.GetValue(id)!;
            if (device.Length is 0 or > 200 || device.Contains('/') || device.Contains('+') || device.Contains('#'))
                throw new CliUsageException($"device id \"{device}\": use 1 to 200 characters without '/', '+' or '#' (it is part of MQTT topics)");
            await using var store = await OpenAsync(parse.GetValue(db)!, cancel);
            string token = DeviceToken.Issue(device, out string salt, out string hash);
            await store.RegisterDeviceAsync(device, salt, hash, DateTimeOffset.UtcNow, cancel);
            if (parse.GetValue(json)) JsonOutput.Write(new DeviceRegistration(device, token));
            else Console.WriteLine(token);
            return 0;
        }));

        var revokeId = new Argument<string>("device") { Description = "The device to refuse from now on." };
        var revokeDb = Db();
        var revoke = new Command("revoke", "Revoke a device: its token is refused (403) from now on.") { revokeId, revokeDb };
        revoke.SetAction((parse, cancel) => RunAsync(async () =>
        {
            await using var store = await OpenAsync(parse.GetValue(revokeDb)!, cancel);
            if (!await store.RevokeDeviceAsync(parse.GetValue(revokeId)!, DateTimeOffset.UtcNow, cancel))
                throw new CliUsageException($"no active device \"{parse.GetValue(revokeId)}\" to revoke (edgetoken fleet devices lists them)");
            Console.WriteLine($"revoked {parse.GetValue(revokeId)}");
            return 0;
        }));
        return new Command("device", "Register and revoke devices.") { add, revoke };
    }

    static Command UserCommands()
    {
        var name = new Argument<string>("user") { Description = "The engineer's user name." };
        var db = Db();
        var add = new Command("add", "Add an engineer who may log in to the dashboard (or set a new password). The password is read from EDGETOKEN_PASSWORD, or else the first line of stdin; it is stored as a PBKDF2 hash.") { name, db };
        add.SetAction((parse, cancel) => RunAsync(async () =>
        {
            string password = Environment.GetEnvironmentVariable("EDGETOKEN_PASSWORD") ?? Console.In.ReadLine() ?? "";
            if (password.Length < 8) throw new CliUsageException("the password must have at least 8 characters (set EDGETOKEN_PASSWORD or pipe it on stdin)");
            await using var store = await OpenAsync(parse.GetValue(db)!, cancel);
            var (salt, hash, iterations) = PasswordHasher.Hash(password);
            await store.AddUserAsync(parse.GetValue(name)!, salt, hash, iterations, DateTimeOffset.UtcNow, cancel);
            Console.WriteLine($"user {parse.GetValue(name)} can log in");
            return 0;
        }));
        return new Command("user", "Manage the engineers who log in to the dashboard.") { add };
    }

    static async Task<IFleetStore> OpenAsync(string db, CancellationToken cancel)
    {
        var store = Location(db).Open();
        await store.MigrateAsync(cancel);
        return store;
    }

    static DatabaseLocation Location(string text)
    {
        try { return DatabaseLocation.Parse(text); }
        catch (FormatException e) { throw new CliUsageException(e.Message); }
    }

    static string? CheckMqtt(string? text)
    {
        if (text is null) return null;
        try { Collector.Mqtt.MqttSubscriber.ParseEndpoint(text); return text; }
        catch (FormatException e) { throw new CliUsageException(e.Message); }
    }

    /// <summary>Database and network failures a user causes (a wrong connection string, a server down) become one line and exit 2.</summary>
    internal static Task<int> RunAsync(Func<Task<int>> action) => Task.FromResult(CliErrors.Run(() =>
    {
        try { return action().GetAwaiter().GetResult(); }
        catch (Exception e) when (e is System.Data.Common.DbException or System.Net.Sockets.SocketException or HttpRequestException or IOException && e is not FileNotFoundException)
        {
            throw new CliUsageException(e.Message);
        }
    }));
}
