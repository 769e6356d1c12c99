using System.Globalization;
using System.Text.Json;
using EdgeToken.Compiler;
using EdgeToken.Runtime.Plans;
using EdgeToken.Samples.RailBearing;
using EdgeToken.Samples.RailBearing.Dataset;
using EdgeToken.Samples.RailBearing.Evaluation;
using EdgeToken.Samples.RailBearing.Model;

// rail-bearing-trainer [--out DIR] [--seed S] [--hold-out outer|inner|ball|cage]
// Simulates the training and validation recordings, trains the classifier, writes DIR/rail-bearing.onnx, the
// calibration samples for int8, and DIR/rail-bearing.metrics.json, and prints the figures.
string? outDir = null;
ulong seed = new TrainingOptions().Seed;
string? holdOut = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--out": outDir = Value(); break;
            case "--seed": seed = ulong.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--hold-out": holdOut = Value(); break;
            case "--help" or "-h":
                Console.WriteLine("rail-bearing-trainer [--out DIR] [--seed S] [--hold-out outer|inner|ball|cage]");
                Console.WriteLine("  --out       where to write rail-bearing.onnx, rail-bearing.calibration.f32, rail-bearing.validation.f32/.labels and rail-bearing.metrics.json (default: print only)");
                Console.WriteLine("  --seed      training seed (default 7, the committed model)");
                Console.WriteLine("  --hold-out  leave one fault type out of training and report how often it is still flagged as an anomaly");
                return 0;
            default: throw new ArgumentException($"unknown option '{args[i]}' (see --help)");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
}
var excluded = holdOut is null ? null : BearingLabels.ParseFault(holdOut);
if (holdOut is not null && excluded is null)
{
    Console.Error.WriteLine($"error: --hold-out {holdOut}: expected outer, inner, ball or cage");
    return 2;
}
if (outDir is not null && !Directory.Exists(outDir))
{
    Console.Error.WriteLine($"error: --out {outDir}: no such directory");
    return 2;
}

var options = new TrainingOptions { Seed = seed };
var (model, training) = TrainingRun.Train(options, excluded: excluded,
    progress: (epoch, loss) => { if (epoch % 10 == 9) Console.WriteLine($"epoch {epoch + 1,3}: loss {loss:F4}"); });
var validation = TrainingRun.Validation(seed);
var activations = model.NewActivations();
void Classify(ReadOnlySpan<float> x, Span<float> p) => model.Forward(x, activations, p);
var trainMetrics = ClassificationMetrics.Measure(training, Classify, TrainingRun.AnomalyThreshold);
var validationMetrics = ClassificationMetrics.Measure(validation, Classify, TrainingRun.AnomalyThreshold);

// The same model as the device runs it: exported, compiled by EdgeToken, float and int8.
string work = outDir ?? Directory.CreateTempSubdirectory("rail-bearing-").FullName;
string onnx = Path.Combine(work, "rail-bearing.onnx");
string calibration = Path.Combine(work, "rail-bearing.calibration.f32");
OnnxExport.Build(model).Save(onnx);
CalibrationSamples.Write(training, calibration, count: 256);
ValidationFiles.Write(validation, Path.Combine(work, "rail-bearing.validation.f32"), Path.Combine(work, "rail-bearing.validation.labels"));
var floatPlan = ModelCompiler.CompileFile(onnx).Plan;
var int8Plan = ModelCompiler.CompileFile(onnx, new CompileOptions { CalibrationPath = calibration }).Plan;
var planFloat = ClassificationMetrics.Measure(validation, new PlanClassifier(floatPlan).Classify, TrainingRun.AnomalyThreshold);
var planInt8 = ClassificationMetrics.Measure(validation, new PlanClassifier(int8Plan).Classify, TrainingRun.AnomalyThreshold);

var report = new TrainingReport(seed, holdOut, model.WeightHash(), training.Count, validation.Count,
    DatasetSplit.TrainingSpeedsHz, DatasetSplit.ValidationSpeedsHz, DatasetSplit.TrainingAmplitudes, DatasetSplit.ValidationAmplitudes,
    trainMetrics, validationMetrics, planFloat, planInt8);
Console.WriteLine($"weights sha256 {report.WeightSha256}");
trainMetrics.Print("training (C# float)", Console.Out);
validationMetrics.Print("validation (C# float)", Console.Out);
planFloat.Print("validation (EdgeToken plan, float32)", Console.Out);
planInt8.Print("validation (EdgeToken plan, int8)", Console.Out);
if (excluded is { } kind)
    Console.WriteLine($"held-out '{holdOut}' (never trained on): {HeldOut.FlaggedShare(validationMetrics, kind):P1} of its validation windows flagged as anomalies");
if (outDir is not null)
{
    File.WriteAllText(Path.Combine(outDir, "rail-bearing.metrics.json"),
        JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    Console.WriteLine($"wrote {onnx}, {calibration}, {Path.Combine(outDir, "rail-bearing.metrics.json")}");
}
else Directory.Delete(work, recursive: true);
return 0;
