using System.Text.Json;

using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Compiler.Manifests;

/// <summary>The result of reading a manifest: the manifest when it is valid, and every problem found (all of
/// them, not just the first, so one build shows everything to fix).</summary>
public sealed record ManifestParseResult(Manifest? Manifest, IReadOnlyList<ManifestDiagnostic> Diagnostics)
{
    public bool Succeeded => Manifest is not null && Diagnostics.Count == 0;
}

/// <summary>Reads <c>*.edgemodel.json</c> files (docs/manifest.md). Checks only the file itself; what needs the
/// model (shapes, operators, dimensions) is <see cref="ManifestCompiler"/>'s job.</summary>
public static partial class ManifestParser
{
    public const string FileSuffix = ".edgemodel.json";

    public static ManifestParseResult ParseFile(string path) => Parse(path, File.ReadAllBytes(path));

    public static ManifestParseResult Parse(string path, byte[] utf8)
    {
        var errors = new ManifestErrors(path, new TextPositions(utf8));
        JsonElementAt root;
        try
        {
            root = JsonElementAt.Parse(utf8);
        }
        catch (JsonException e)
        {
            var (line, column) = errors.Positions.AtLine(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            errors.List.Add(new ManifestDiagnostic(ManifestDiagnosticIds.InvalidJson, path, line, column, $"invalid JSON: {CleanMessage(e.Message)}"));
            return new ManifestParseResult(null, errors.List);
        }
        if (root.Kind != JsonTokenType.StartObject)
        {
            errors.Add(ManifestDiagnosticIds.InvalidValue, root.Offset, $"a manifest is a JSON object ({{ \"name\": ..., \"model\": ... }}), not {root.KindName}");
            return new ManifestParseResult(null, errors.List);
        }
        var top = new ManifestObject(root, "", errors);
        var manifest = Read(path, top, errors);
        top.Finish();
        return new ManifestParseResult(errors.List.Count == 0 ? manifest : null, errors.List);
    }

    private static Manifest? Read(string path, ManifestObject top, ManifestErrors errors)
    {
        string? name = top.String("name", true, "\"BearingClassifier\"");
        CheckIdentifier(top, "name", name, errors, dotted: false);
        string? ns = top.String("namespace", true, "\"Acme.Rail.Bearings\"");
        CheckIdentifier(top, "namespace", ns, errors, dotted: true);
        string? model = top.String("model", true, "\"bearing.onnx\"");
        if (model is { Length: 0 }) errors.Add(ManifestDiagnosticIds.InvalidValue, top.Property("model")!.Value.Offset, "'model' is empty; give the ONNX file's path relative to the manifest");
        var dimensions = ReadDimensions(top.Object("dimensions", false, "{ \"batch\": 1 }"), errors);
        var input = ReadInput(top.Object("input", true, "{ \"channels\": 1, \"sampleRate\": 25600, \"window\": 1024, \"hop\": 512 }"), errors);
        var preprocess = ReadPreprocess(top.Array("preprocess", false, "[ { \"op\": \"standardize\", \"mean\": 0, \"std\": 1 } ]"), input?.Channels, errors);
        if (input is not null && preprocess is not null && !PreprocessChain.Check(path, input, preprocess, errors.List))
            preprocess = null;
        var optimization = ReadOptimization(top.Object("optimization", false, "{ \"calibration\": \"calib.f32\", \"quantize\": { } }"), errors);
        var backend = ReadBackend(top.Object("backend", false, "{ \"kind\": \"generated\" }"), errors);
        var output = ReadOutput(top.Object("output", true, "{ \"kind\": \"classes\", \"labels\": [\"normal\", \"fault\"] }"), errors);

        if (name is null || ns is null || model is null || input is null || preprocess is null || backend is null || output is null)
            return null;
        var positions = new ManifestPositions(
            At(top, "model", errors), At(top, "input", errors), At(top, "dimensions", errors), At(top, "backend", errors), At(top, "output", errors))
        {
            Preprocess = top.Property("preprocess") is null ? At(top, "input", errors) : At(top, "preprocess", errors),
        };
        return new Manifest(path, name, ns, model, dimensions, input, preprocess, backend, output)
        {
            Positions = positions,
            Optimization = optimization is null ? null : optimization with { Position = At(top, "optimization", errors) },
        };
    }

    private static Optimization? ReadOptimization(ManifestObject? obj, ManifestErrors errors)
    {
        if (obj is null) return null;
        var calibration = ReadDataFile(obj, "calibration");
        var quantize = obj.Object("quantize", false, "{ \"method\": \"MinMax\" }");
        var quantizeOptions = new QuantizeOptions();
        if (quantize is not null)
        {
            string? method = quantize.String("method", false, "\"MinMax\"");
            bool perChannel = quantize.Boolean("perChannel", false, "true") ?? true;
            var exclude = quantize.Strings("exclude", false, "[\"Gemm_0\"]") ?? [];
            int? weightBits = quantize.Integer("weightBits", false, "7", min: 1);
            bool? recurrent = quantize.Boolean("recurrent", false, "true");
            quantize.Finish();
            var m = CalibrationMethod.MinMax;
            if (method is not null && !Enum.TryParse(method, ignoreCase: true, out m))
                errors.Add(ManifestDiagnosticIds.InvalidValue, quantize.Property("method")!.Value.Offset, $"'optimization.quantize.method' is \"{method}\"; use \"MinMax\", \"Percentile\" or \"Entropy\"");
            if (weightBits is not (null or 7 or 8))
            {
                errors.Add(ManifestDiagnosticIds.InvalidValue, quantize.Property("weightBits")!.Value.Offset,
                    $"'optimization.quantize.weightBits' is {weightBits}; use 8 (the default) or 7 (weights in [-64, 64], which x86 without VNNI multiplies twice as fast)");
                weightBits = null;
            }
            quantizeOptions = new QuantizeOptions { Method = m, PerChannelWeights = perChannel, WeightBits = weightBits ?? 8, Recurrent = recurrent, Exclude = new HashSet<string>(exclude, StringComparer.Ordinal) };
        }
        PruneOptions? prune = null;
        if (obj.Object("prune", false, "{ \"pattern\": \"2:4\" }") is { } p)
        {
            double? sparsity = p.Number("sparsity", false, "0.5", min: 0);
            string? pattern = p.String("pattern", false, "\"2:4\"");
            int? panel = p.Integer("panel", false, "8", min: 1);
            string? scope = p.String("scope", false, "\"layer\"");
            double? channels = p.Number("channels", false, "0.25", min: 0);
            var exclude = p.Strings("exclude", false, "[\"Gemm_0\"]") ?? [];
            p.Finish();
            var kind = (Pattern: PruningPattern.Unstructured, N: 2, M: 4);
            try { if (pattern is not null) kind = PruneOptions.ParsePattern(pattern); }
            catch (CompileException e) { errors.Add(ManifestDiagnosticIds.InvalidValue, p.Property("pattern")!.Value.Offset, $"'optimization.prune.pattern': {e.Message}"); }
            if (scope is not null and not ("layer" or "global"))
                errors.Add(ManifestDiagnosticIds.InvalidValue, p.Property("scope")!.Value.Offset, $"'optimization.prune.scope' is \"{scope}\"; use \"layer\" or \"global\"");
            if (sparsity is >= 1 || channels is >= 1)
                errors.Add(ManifestDiagnosticIds.InvalidValue, p.Element.Offset, "'optimization.prune' sparsity and channels are fractions below 1 (0.5 = half the weights)");
            prune = new PruneOptions
            {
                Sparsity = sparsity ?? 0, Pattern = kind.Pattern, N = kind.Pattern == PruningPattern.NM ? kind.N : 2, M = kind.Pattern == PruningPattern.NM ? kind.M : 4,
                Panel = panel ?? 8, Scope = scope == "global" ? PruningScope.Global : PruningScope.PerLayer, Channels = channels ?? 0,
                Exclude = new HashSet<string>(exclude, StringComparer.Ordinal),
            };
        }
        bool biasCorrection = obj.Boolean("biasCorrection", false, "true") ?? false;
        DataFile? validation = null;
        string? labels = null;
        if (obj.Object("validation", false, "{ \"data\": \"validation.csv\" }") is { } v)
        {
            string? data = v.String("data", false, "\"validation.csv\""), recording = v.String("recording", false, "\"validation.wav\"");
            labels = v.String("labels", false, "\"validation-labels.txt\"");
            v.Finish();
            if ((data is null) == (recording is null))
                errors.Add(ManifestDiagnosticIds.InvalidValue, v.Element.Offset, "'optimization.validation' names its data once: \"data\": \"validation.csv\" (model-input samples) or \"recording\": \"validation.wav\" (a sensor recording the preprocess chain windows)");
            else validation = data is not null ? DataFileAt(data) : new DataFile(recording!, true);
        }
        var budget = new AccuracyBudget(null, null, null);
        if (obj.Object("budget", false, "{ \"maxAccuracyDrop\": 0.5 }") is { } b)
        {
            budget = new AccuracyBudget(b.Number("maxAccuracyDrop", false, "0.5", min: 0), b.Number("minSqnrDb", false, "25"), b.Number("maxOutputError", false, "0.05", min: 0));
            b.Finish();
        }
        obj.Finish();
        if ((quantize is not null || biasCorrection) && calibration is null)
            errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Element.Offset, "'optimization' quantizes or corrects biases but names no calibration data; add \"calibration\": \"calib.f32\" (relative to the manifest)");
        if (budget is not (null, null, null) && validation is null)
            errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Element.Offset, "'optimization.budget' is checked on validation data; add \"validation\": { \"data\": \"validation.csv\" }");
        return new Optimization(calibration, quantize is not null, quantizeOptions, prune, biasCorrection, validation, labels, budget);
    }

    /// <summary>A data file named by a string (a <c>.wav</c> is a recording, anything else model-input samples) or by
    /// <c>{ "recording": "x.csv" }</c>, the form for a CSV recording.</summary>
    private static DataFile? ReadDataFile(ManifestObject obj, string field)
    {
        var p = obj.Property(field);
        if (p is null) return null;
        if (p.Value.Kind == JsonTokenType.StartObject)
        {
            var o = obj.Object(field, false, "{ \"recording\": \"bench.csv\" }")!;
            string? recording = o.String("recording", true, "\"bench.csv\"");
            o.Finish();
            return recording is null ? null : new DataFile(recording, true);
        }
        string? path = obj.String(field, false, "\"calib.f32\" or { \"recording\": \"bench.csv\" }");
        return path is null ? null : DataFileAt(path);
    }

    private static DataFile DataFileAt(string path) => new(path, RecordingFile.IsWav(path));

    private static (int, int) At(ManifestObject obj, string field, ManifestErrors errors)
    {
        var p = obj.Property(field);
        return errors.Positions.At(p?.NameOffset ?? obj.Element.Offset);
    }

    private static Dictionary<string, int> ReadDimensions(ManifestObject? obj, ManifestErrors errors)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (obj is null) return result;
        foreach (var p in obj.Element.Properties)
        {
            int? size = obj.Integer(p.Name, true, "1", min: 1);
            if (size is int s) result[p.Name] = s;
        }
        return result;
    }

    private static SensorInput? ReadInput(ManifestObject? obj, ManifestErrors errors)
    {
        if (obj is null) return null;
        int? channels = obj.Integer("channels", true, "3", min: 1);
        double? rate = obj.Number("sampleRate", true, "25600", min: 0, exclusiveMin: true);
        int? window = obj.Integer("window", true, "1024", min: 1);
        int? hop = obj.Integer("hop", false, "512", min: 1);
        string? layoutText = obj.String("layout", false, "\"channels-last\"");
        double? scale = obj.Number("scale", false, "0.001");
        double? offset = obj.Number("offset", false, "0");
        obj.Finish();
        var layout = InputLayout.ChannelsLast;
        if (layoutText is not null)
        {
            if (layoutText == "channels-first") layout = InputLayout.ChannelsFirst;
            else if (layoutText != "channels-last")
                errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("layout")!.Value.Offset, $"'input.layout' is \"{layoutText}\"; use \"channels-last\" (model input [..., window, channels]) or \"channels-first\" ([..., channels, window])");
        }
        if (hop is int h && window is int w && h > w)
        {
            errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("hop")!.Value.Offset, $"'input.hop' is {h}, longer than the window ({w}); windows would skip samples. Use a hop of at most {w}");
            return null;
        }
        if (channels is null || rate is null || window is null) return null;
        if (obj.Has("hop") && hop is null) return null;
        return new SensorInput(channels.Value, rate.Value, window.Value, hop ?? window.Value, layout, scale ?? 1, offset ?? 0);
    }

    private static BackendChoice? ReadBackend(ManifestObject? obj, ManifestErrors errors)
    {
        if (obj is null) return new BackendChoice(BackendKind.Generated, []);
        string? kind = obj.String("kind", false, "\"generated\"");
        var providers = obj.Array("executionProviders", false, "[\"qnn\", \"xnnpack\", \"cpu\"]");
        obj.Finish();
        var list = new List<string>();
        foreach (var p in providers ?? [])
        {
            if (p.Kind == JsonTokenType.String && p.String.Length > 0)
            {
                if (OnnxRuntimeIo.KnownProviders.Contains(p.String)) list.Add(p.String);
                else errors.Add(ManifestDiagnosticIds.BackendUnavailable, p.Offset,
                    $"execution provider \"{p.String}\" is not one EdgeToken knows; use {string.Join(", ", OnnxRuntimeIo.KnownProviders.Select(k => $"\"{k}\""))}");
            }
            else errors.Add(ManifestDiagnosticIds.InvalidValue, p.Offset, $"'backend.executionProviders' holds provider names such as \"xnnpack\", not {p.KindName}");
        }
        switch (kind)
        {
            case null or "generated":
                if (list.Count > 0)
                    errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("executionProviders")!.Value.Offset, "'backend.executionProviders' applies only to \"kind\": \"onnxruntime\"; remove it or switch the backend");
                return new BackendChoice(BackendKind.Generated, []);
            case "onnxruntime":
                return new BackendChoice(BackendKind.OnnxRuntime, list.Count == 0 ? ["cpu"] : list);
            default:
                errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("kind")!.Value.Offset, $"'backend.kind' is \"{kind}\"; use \"generated\" or \"onnxruntime\"");
                return null;
        }
    }

    private static OutputMeaning? ReadOutput(ManifestObject? obj, ManifestErrors errors)
    {
        if (obj is null) return null;
        string? kind = obj.String("kind", true, "\"classes\"");
        OutputMeaning? result = null;
        switch (kind)
        {
            case "classes":
            {
                var labels = obj.Array("labels", true, "[\"normal\", \"inner-race\", \"outer-race\"]");
                double? threshold = obj.Number("threshold", false, "0.5");
                int? debounce = obj.Integer("debounce", false, "3", min: 1);
                var names = new List<string>();
                foreach (var l in labels ?? [])
                {
                    if (l.Kind != JsonTokenType.String || LabelIdentifier(l.String).Length == 0)
                        errors.Add(ManifestDiagnosticIds.InvalidValue, l.Offset, $"'output.labels' holds class names (strings with a letter or digit), not {(l.Kind == JsonTokenType.String ? $"\"{l.String}\"" : l.KindName)}");
                    else if (names.Any(n => LabelIdentifier(n) == LabelIdentifier(l.String)))
                        errors.Add(ManifestDiagnosticIds.InvalidValue, l.Offset, $"'output.labels' has \"{l.String}\" twice (labels become enum members, so they must differ after dropping punctuation)");
                    else names.Add(l.String);
                }
                if (labels is { Count: 0 }) errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("labels")!.Value.Offset, "'output.labels' is empty; name one label per class score");
                if (labels is not null && names.Count == labels.Count && names.Count > 0 && (threshold is not null || !obj.Has("threshold")) && (debounce is not null || !obj.Has("debounce")))
                    result = new OutputMeaning(OutputKind.Classes, names, threshold ?? 0, debounce ?? 1);
                break;
            }
            case "anomaly":
            {
                double? threshold = obj.Number("threshold", true, "0.8");
                int? debounce = obj.Integer("debounce", false, "3", min: 1);
                if (threshold is not null && (debounce is not null || !obj.Has("debounce")))
                    result = new OutputMeaning(OutputKind.Anomaly, [], threshold.Value, debounce ?? 1);
                break;
            }
            case "regression":
                result = new OutputMeaning(OutputKind.Regression, [], 0, 1);
                break;
            case null:
                break;
            default:
                errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("kind")!.Value.Offset, $"'output.kind' is \"{kind}\"; use \"classes\", \"anomaly\" or \"regression\"");
                break;
        }
        obj.Finish();
        return result;
    }

    /// <summary>The C# enum member a label becomes: letters and digits of each word, words capitalised
    /// ("inner-race" becomes InnerRace), prefixed with '_' when it would start with a digit.</summary>
    public static string LabelIdentifier(string label)
    {
        var sb = new System.Text.StringBuilder();
        bool upper = true;
        foreach (char c in label)
        {
            if (char.IsLetterOrDigit(c) && c < 128)
            {
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else upper = true;
        }
        if (sb.Length > 0 && char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    private static void CheckIdentifier(ManifestObject obj, string field, string? value, ManifestErrors errors, bool dotted)
    {
        if (value is null) return;
        bool ok = value.Length > 0 && value.Split('.').All(part =>
            part.Length > 0 && (char.IsLetter(part[0]) || part[0] == '_') && part.All(c => char.IsLetterOrDigit(c) || c == '_'));
        if (!ok || (!dotted && value.Contains('.')))
            errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property(field)!.Value.Offset,
                $"'{field}' is \"{value}\"; it becomes a C# {(dotted ? "namespace" : "class name")}, so use {(dotted ? "dotted identifiers such as \"Acme.Rail\"" : "an identifier such as \"BearingClassifier\"")}");
    }

    // System.Text.Json appends its own "LineNumber: 3 | BytePositionInLine: 7." which repeats the position in bytes.
    private static string CleanMessage(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at > 0 ? message[..at] : message).TrimEnd('.', ' ');
    }
}
