using System.CommandLine;
using System.Globalization;
using EdgeToken.Cli.Commands;

namespace EdgeToken.Cli.Demo;

/// <summary><c>edgetoken demo</c>: the railway-bearing sample end to end on one machine, no setup.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var d = new DemoOptions();
        var trains = new Option<int>("--trains") { Description = "Trains in the fleet.", DefaultValueFactory = _ => d.Trains };
        var wagons = new Option<int>("--wagons") { Description = "Wagons per train (one device and agent each).", DefaultValueFactory = _ => d.Wagons };
        var axles = new Option<int>("--axles") { Description = "Axle-box sensors per wagon (one pipeline each).", DefaultValueFactory = _ => d.Axles };
        var duration = new Option<double>("--duration") { Description = "Wall-clock seconds to run; then the final figures are printed. Ctrl+C ends earlier, with the same figures.", DefaultValueFactory = _ => d.DurationSeconds };
        var speedup = new Option<double>("--speedup") { Description = "Sensor seconds per wall second (bearing wear is slow; the demo runs it fast).", DefaultValueFactory = _ => d.Speedup };
        var port = new Option<int>("--port") { Description = "Port of the collector and dashboard on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => d.Port };
        var seed = new Option<int>("--seed") { Description = "Seed of the fleet: speeds, which bearings fail, how and when.", DefaultValueFactory = _ => d.Seed };
        var faultShare = new Option<double>("--fault-share") { Description = "Share of bearings that develop a fault during the run.", DefaultValueFactory = _ => d.FaultShare };
        var debounce = new Option<int>("--debounce") { Description = "Windows (50 ms of sensor time each) the anomaly must hold before an alert, among the last --debounce-span.", DefaultValueFactory = _ => d.Debounce };
        var debounceSpan = new Option<int>("--debounce-span") { Description = "Recent windows the --debounce count is taken from (equal to --debounce: that many in a row).", DefaultValueFactory = _ => d.DebounceSpan };
        var int8 = new Option<bool>("--int8") { Description = "Run the int8-quantized model instead of float32." };
        var json = CliOptions.Json();
        var command = new Command("demo", "Run the railway-bearing sample end to end: a collector on SQLite with its dashboard, a simulated fleet of trains whose axle bearings develop faults, an agent per wagon, and detection figures against the simulator's ground truth.")
        {
            trains, wagons, axles, duration, speedup, port, seed, faultShare, debounce, debounceSpan, int8, json,
        };
        command.SetAction((parse, cancel) => CollectorCommand.RunAsync(async () =>
        {
            var options = new DemoOptions
            {
                Trains = parse.GetValue(trains), Wagons = parse.GetValue(wagons), Axles = parse.GetValue(axles),
                DurationSeconds = parse.GetValue(duration), Speedup = parse.GetValue(speedup), Port = parse.GetValue(port),
                Seed = parse.GetValue(seed), FaultShare = parse.GetValue(faultShare), Debounce = parse.GetValue(debounce), DebounceSpan = parse.GetValue(debounceSpan), Int8 = parse.GetValue(int8),
            };
            var problems = options.Problems().ToList();
            if (problems.Count > 0) throw new CliUsageException(string.Join("; ", problems));
            bool asJson = parse.GetValue(json);
            // With --json, stdout carries only the final report; the running lines go to stderr.
            var log = asJson ? Console.Error : Console.Out;
            DemoReport report;
            try
            {
                report = await DemoRun.RunAsync(options,
                    (address, password) =>
                    {
                        log.WriteLine($"dashboard: {address}  (log in as {DemoRun.User} / {password})");
                        log.WriteLine($"fleet: {options.Trains} train(s) x {options.Wagons} wagon(s), {options.Axles} axle sensor(s) each; simulated time runs up to {options.Speedup:0.##}x faster than wall time (slower if this machine cannot keep up; no sample is dropped)");
                        log.WriteLine($"running for {options.DurationSeconds:0.#} s (Ctrl+C stops earlier); times below are sensor (simulated) seconds");
                    },
                    figures => log.WriteLine(DemoText.ProgressLine(figures)), cancel);
            }
            catch (OperationCanceledException)
            {
                log.WriteLine("demo: stopped before the fleet started");
                return 130; // the shell's code for an interrupted command
            }
            if (asJson) JsonOutput.Write(report);
            else DemoText.Print(report, Console.Out);
            return 0;
        }));
        return command;
    }
}
