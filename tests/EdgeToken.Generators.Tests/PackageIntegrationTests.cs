using System.Diagnostics;
using EdgeToken.Runtime.Execution;

namespace EdgeToken.Generators.Tests;

/// <summary>Packs the EdgeToken package (and EdgeToken.OnnxRuntime, the onnxruntime backend's) into a local folder and builds and runs a consumer project from it,
/// exactly as a user's project would: PackageReference, a manifest and a model, dotnet build, dotnet run.</summary>
[Collection(PublishingCollection.Name)]
public sealed class PackageIntegrationTests
{
    [Fact]
    public void Consumer_builds_from_the_packed_package_runs_and_gets_manifest_errors_at_their_place()
    {
        string root = GeneratorDiagnosticTests.RepoRoot();
        string work = TestPipelines.TempDir();
        string feed = Path.Combine(work, "feed");
        // A version of its own, so the machine's package cache never serves an older build of this package.
        string version = "0.1.0-it" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string[] cached = [Path.Combine(packages, "edgetoken", version), Path.Combine(packages, "edgetoken.onnxruntime", version)];
        try
        {
            Dotnet(root, $"pack src/EdgeToken -c Release -o \"{feed}\" -p:Version={version} -v q -nologo");
            Dotnet(root, $"pack src/EdgeToken.Runtime.OnnxRuntime -c Release -o \"{feed}\" -p:Version={version} -v q -nologo");

            string app = Path.Combine(work, "app");
            Directory.CreateDirectory(app);
            string manifest = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), TestPipelines.TwoClassManifest, app);
            // A second pipeline whose chain calls EdgeToken.Sensors: the package must bring that library along.
            var chain = DspChains.FrontEnd;
            DspChains.PassThrough(DspChains.Dims(chain, false)).Save(Path.Combine(app, "features.onnx"));
            string featuresManifest = Path.Combine(app, "features.edgemodel.json");
            File.WriteAllText(featuresManifest, DspChains.Manifest(chain).Replace("\"model.onnx\"", "\"features.onnx\""));
            // A third runs the same model in ONNX Runtime: the backend package, referenced beside EdgeToken.
            File.WriteAllText(Path.Combine(app, "ort.edgemodel.json"), TestPipelines.TwoClassManifest.Replace("\"BearingClassifier\"", "\"OrtClassifier\"")
                .Replace("\"output\":", "\"backend\": { \"kind\": \"onnxruntime\", \"executionProviders\": [\"qnn\", \"cpu\"] },\n  \"output\":"));
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="edgetoken-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="EdgeToken" Version="{version}" />
                    <PackageReference Include="EdgeToken.OnnxRuntime" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            // Keep the repository's Directory.*.props out of the consumer (it lives under /tmp anyway).
            File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using System.Globalization;
                using Acme.Rail;

                var pipeline = new BearingClassifier();
                var window = new float[BearingClassifier.InputLength];
                for (int i = 0; i < window.Length; i++) window[i] = (float)Math.Sin(i * 0.37) * 2;
                var scores = new float[BearingClassifier.OutputLength];
                pipeline.Infer(window, scores);
                Console.WriteLine("scores " + string.Join(" ", scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
                ReadOnlySpan<float> samples = window;
                int windows = 0;
                while (pipeline.Push(ref samples, out var result)) { windows++; Console.WriteLine($"window {result.Window} top {result.Top}"); }
                Console.WriteLine($"windows {windows}");

                var features = new Features();
                var raw = new float[Features.InputLength];
                for (int i = 0; i < raw.Length; i++) raw[i] = 40 + (float)Math.Sin(i * 0.37) * 20 + (i % 23 == 0 ? 15 : 0);
                var values = new float[Features.OutputLength];
                features.Infer(raw, values);
                Console.WriteLine("features " + string.Join(" ", values.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));

                using var ort = new OrtClassifier(line => Console.WriteLine("log " + line));
                var ortScores = new float[OrtClassifier.OutputLength];
                ort.Infer(window, ortScores);
                Console.WriteLine($"ort {ort.ExecutionProvider} " + string.Join(" ", ortScores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
                """);

            string run = Dotnet(app, "run -c Release -nologo");
            var expected = Reference(window: Enumerable.Range(0, 128).Select(i => (float)Math.Sin(i * 0.37) * 2).ToArray(), manifest);
            Assert.Contains("scores " + string.Join(" ", expected.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), run);
            Assert.Contains("windows 1", run);
            string ortLine = run.Split('\n').Single(l => l.StartsWith("ort ", StringComparison.Ordinal)).Trim();
            Assert.StartsWith("ort cpu ", ortLine);
            var ortScores = ortLine["ort cpu ".Length..].Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected.Length, ortScores.Length);
            for (int i = 0; i < expected.Length; i++) Assert.InRange(ortScores[i], expected[i] - 1e-5f, expected[i] + 1e-5f);
            Assert.Contains("'qnn' is not in this ONNX Runtime build", run);
            var raw = Enumerable.Range(0, DspChains.Window * 2).Select(i => 40 + (float)Math.Sin(i * 0.37) * 20 + (i % 23 == 0 ? 15 : 0)).ToArray();
            var features = DspChains.Features(TestPipelines.Compile(featuresManifest), chain, raw, channelsFirst: false);
            Assert.Contains("features " + string.Join(" ", features.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture))), run);

            // Incremental: an unchanged manifest and model do not run the compiler again.
            string etgen = Directory.GetFiles(Path.Combine(app, "obj"), "bearing.edgemodel.etgen", SearchOption.AllDirectories).Single();
            var stamp = File.GetLastWriteTimeUtc(etgen);
            Dotnet(app, "build -c Release -nologo -v q");
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(etgen));

            // A manifest error is a build error at the manifest's line and column.
            File.WriteAllText(manifest, TestPipelines.TwoClassManifest.Replace("\"window\": 64", "\"window\": \"64\""));
            var (code, output) = DotnetResult(app, "build -c Release -nologo -v q");
            Assert.NotEqual(0, code);
            Assert.Contains("bearing.edgemodel.json(6,60): error ET0003", output);

            // Backend onnxruntime without its package: ET0020 at the "backend" key, with the fix.
            File.WriteAllText(manifest, TestPipelines.TwoClassManifest);
            File.WriteAllText(Path.Combine(app, "App.csproj"), File.ReadAllText(Path.Combine(app, "App.csproj"))
                .Replace($"<PackageReference Include=\"EdgeToken.OnnxRuntime\" Version=\"{version}\" />", ""));
            (code, output) = DotnetResult(app, "build -c Release -nologo -v q");
            Assert.NotEqual(0, code);
            Assert.Contains("ort.edgemodel.json(8,3): error ET0020", output);
            Assert.Contains("<PackageReference Include=\"EdgeToken.OnnxRuntime\" />", output);
        }
        finally
        {
            foreach (string dir in cached)
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static float[] Reference(float[] window, string manifest)
    {
        var c = TestPipelines.Compile(manifest);
        var executor = new PlanExecutor(c.Model.Plan);
        c.Preprocess.Apply(window, executor.Input<float>(0), c.Manifest.Input.Window, c.Manifest.Input.Layout);
        executor.Run();
        return executor.Output<float>(0).ToArray();
    }

    private static string Dotnet(string dir, string args)
    {
        var (code, output) = DotnetResult(dir, args);
        Assert.True(code == 0, $"dotnet {args} exited {code}:\n{output}");
        return output;
    }

    private static (int Code, string Output) DotnetResult(string dir, string args)
    {
        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's MSBuild variables would leak into the child build.
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildExtensionsPath");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
