using EdgeToken.Compiler;
using EdgeToken.Compiler.Generation;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Cli.Commands;

public sealed record ManifestCompileReport(string Manifest, string? Plan, string? GenerationModel, long ArenaBytes, long WeightBytes, IReadOnlyList<ManifestDiagnostic> Diagnostics);

/// <summary>The manifest half of <c>edgetoken compile</c>, which the EdgeToken MSBuild target runs before
/// CoreCompile. Problems are printed in MSBuild's canonical format, <c>path(line,col): error ET0003: message</c>,
/// so an Exec task turns each into a build error at that place in the manifest.</summary>
internal static class ManifestCompile
{
    /// <summary>Output files are named after the manifest file ("bearing.edgemodel.json" gives
    /// "bearing.edgemodel.etplan" and "bearing.edgemodel.etgen"), which the MSBuild target can predict from
    /// %(Filename) for its Outputs.</summary>
    public static string BaseName(string manifestPath) => Path.GetFileNameWithoutExtension(manifestPath);

    public static int Run(string manifestPath, string? outputDir, bool json, bool optimize, ISet<string> disabledPasses)
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
        if (json) JsonOutput.Write(new ManifestCompileReport(manifestPath, planPath, genPath, plan.ArenaBytes, plan.Weights.Length, []));
        else Console.WriteLine($"{manifestPath}: {compilation.Manifest.Namespace}.{compilation.Manifest.Name}, arena {plan.ArenaBytes:N0} bytes, weights {plan.Weights.Length:N0} bytes -> {genPath}");
        return 0;
    }
}
