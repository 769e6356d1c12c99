using System.CommandLine;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Commands;

public sealed record CompileReport(string Model, string Plan, long PlanBytes, MemoryReport Memory, Dictionary<string, int> Passes);

/// <summary><c>edgetoken compile MODEL.onnx -o MODEL.etplan</c>: the compiled plan a device loads without a rebuild.
/// <c>edgetoken compile NAME.edgemodel.json -o DIR</c>: the manifest's model compiled with its bindings, as a plan
/// and the generation model the source generator reads (see <see cref="ManifestCompile"/>).</summary>
internal static class CompileCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var json = CliOptions.Json();
        var bind = CliOptions.Bind();
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the plan (default: the model's path with .etplan). For a manifest: the output folder (default: the manifest's folder)." };
        var noOptimize = new Option<bool>("--no-optimize") { Description = "Compile the graph as imported, without fusion or folding passes." };
        var disable = new Option<string[]>("--disable-pass") { Description = "Leave out a pass by name (repeatable).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("compile", "Compile an ONNX model into a statically planned .etplan file (weights, schedule, arena layout, checksum), or a *.edgemodel.json manifest into a plan and the generation model its source generator reads.")
        {
            model, output, json, bind, noOptimize, disable,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            string path = parse.GetValue(model)!;
            if (path.EndsWith(ManifestParser.FileSuffix, StringComparison.OrdinalIgnoreCase))
                return ManifestCompile.Run(path, parse.GetValue(output), parse.GetValue(json), !parse.GetValue(noOptimize),
                    new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal));
            string planPath = parse.GetValue(output) ?? Path.ChangeExtension(path, ".etplan");
            var compiled = ModelCompiler.CompileFile(path, new CompileOptions
            {
                Bindings = CliOptions.ParseBindings(parse.GetValue(bind)),
                Optimize = !parse.GetValue(noOptimize),
                DisabledPasses = new HashSet<string>(parse.GetValue(disable) ?? [], StringComparer.Ordinal),
            });
            var bytes = PlanFile.Write(compiled.Plan);
            File.WriteAllBytes(planPath, bytes);
            var s = compiled.Statistics;
            var memory = new MemoryReport(s.ArenaBytes, s.NaiveBytes, s.LowerBoundBytes, s.WeightBytes, s.ScratchBytes, s.Steps, s.InPlaceSteps, s.ViewSteps);
            var passes = compiled.Passes.GroupBy(p => p.Pass).ToDictionary(g => g.Key, g => g.Sum(p => p.Rewrites));
            var report = new CompileReport(path, planPath, bytes.Length, memory, passes);
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else
            {
                Console.WriteLine($"wrote {planPath} ({bytes.Length:N0} bytes)");
                Console.WriteLine($"arena {s.ArenaBytes:N0} bytes (naive {s.NaiveBytes:N0}), scratch {s.ScratchBytes:N0}, weights {s.WeightBytes:N0}, {s.Steps} steps");
                foreach (var (pass, n) in passes) Console.WriteLine($"  {pass,-24} {n,4} rewrites");
            }
            return 0;
        }));
        return command;
    }
}
