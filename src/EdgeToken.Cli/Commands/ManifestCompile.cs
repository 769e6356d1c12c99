using EdgeToken.Compiler;
using EdgeToken.Compiler.Generation;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Commands;

public sealed record ManifestCompileReport(string Manifest, string? Plan, string? GenerationModel, long ArenaBytes, long WeightBytes, IReadOnlyList<ManifestDiagnostic> Diagnostics)
{
    /// <summary>With <c>--report</c> and an optimization section: the quantized layers.</summary>
    public QuantizationSummary? Quantization { get; init; }
    /// <summary>With <c>--report</c> and an optimization section: the pruned layers.</summary>
    public PruningSummary? Pruning { get; init; }
    /// <summary>With <c>--report</c>: float against optimised on the manifest's validation data.</summary>
    public EdgeToken.Compiler.Analysis.OptimizationValidation? Validation { get; init; }
    /// <summary>With <c>--report</c>: plan weights of the float model over those of the optimised one.</summary>
    public double? SizeRatio { get; init; }
}

/// <summary>The manifest half of <c>edgetoken compile</c>, which the EdgeToken MSBuild target runs before
/// CoreCompile. Problems are printed in MSBuild's canonical format, <c>path(line,col): error ET0003: message</c>,
/// so an Exec task turns each into a build error at that place in the manifest.</summary>
internal static class ManifestCompile
{
    /// <summary>Output files are named after the manifest file ("bearing.edgemodel.json" gives
    /// "bearing.edgemodel.etplan" and "bearing.edgemodel.etgen"), which the MSBuild target can predict from
    /// %(Filename) for its Outputs.</summary>
    public static string BaseName(string manifestPath) => Path.GetFileNameWithoutExtension(manifestPath);

    public static int Run(string manifestPath, string? outputDir, bool json, bool optimize, ISet<string> disabledPasses, bool report = false)
    {
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"{manifestPath}: manifest not found");
        var result = ManifestCompiler.Compile(manifestPath, new CompileOptions { Optimize = optimize, DisabledPasses = disabledPasses });
        string dir = outputDir ?? Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        string planPath = Path.Combine(dir, BaseName(manifestPath) + ".etplan");
        string genPath = Path.Combine(dir, BaseName(manifestPath) + GenerationModelWriter.FileSuffix);
        Directory.CreateDirectory(dir);
        if (!result.Succeeded)
        {
            File.WriteAllText(genPath, GenerationModelWriter.WriteErrors(manifestPath, result.Diagnostics));
            if (json) JsonOutput.Write(new ManifestCompileReport(manifestPath, null, null, 0, 0, result.Diagnostics));
            foreach (var d in result.Diagnostics) Console.Error.WriteLine(d.ToMsBuildFormat());
            return CliErrors.BadInput;
        }
        var compilation = result.Compilation!;
        PlanFile.Save(compilation.Model.Plan, planPath);
        File.WriteAllText(genPath, GenerationModelWriter.Write(compilation));
        var plan = compilation.Model.Plan;
        var o = compilation.Manifest.Optimization;
        var model = compilation.Model;
        if (model.QuantizationSkipped is { } why) Console.Error.WriteLine($"{manifestPath}: warning: {why}");
        double? ratio = null;
        if (report && o is not null)
        {
            var reference = ModelCompiler.CompileFile(compilation.Manifest.ModelFullPath, new CompileOptions
            {
                Bindings = compilation.Manifest.Dimensions, Optimize = optimize, DisabledPasses = disabledPasses,
            });
            ratio = Math.Round((double)reference.Plan.Weights.Length / plan.Weights.Length, 3);
        }
        var full = new ManifestCompileReport(manifestPath, planPath, genPath, plan.ArenaBytes, plan.Weights.Length, [])
        {
            Quantization = report && o is { Quantize: true } ? QuantizationSummary.From(model, o.Calibration!.Path, o.QuantizeOptions, o.Calibration.IsRecording) : null,
            Pruning = report && o?.Prune is not null ? PruningSummary.From(model) : null,
            Validation = report ? compilation.Validation : null,
            SizeRatio = ratio,
        };
        if (json) JsonOutput.Write(full);
        else
        {
            Console.WriteLine($"{manifestPath}: {compilation.Manifest.Namespace}.{compilation.Manifest.Name}, arena {plan.ArenaBytes:N0} bytes, weights {plan.Weights.Length:N0} bytes -> {genPath}");
            full.Quantization?.Print();
            full.Pruning?.Print();
            if (ratio is { } r) Console.WriteLine($"plan weights {r:F2}x smaller than the float model's");
            if (full.Validation is { } v)
                Console.WriteLine($"validation ({v.Samples} samples): output SQNR {v.SqnrDb:F1} dB, largest error {v.MaxError:G4}"
                    + (v.FloatAccuracy is { } fa ? $", top-1 accuracy float {fa:P2} vs optimised {v.OptimisedAccuracy:P2} (drop {v.AccuracyDrop * 100:F2} points)" : ""));
        }
        return 0;
    }
}
