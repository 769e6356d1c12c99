using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Manifests;

/// <summary>A manifest compiled together with its model: everything the generator emits code from.</summary>
public sealed record ManifestCompilation(Manifest Manifest, CompiledModel Model, PreprocessAffine Preprocess)
{
    public int InputLength => Manifest.Input.Channels * Manifest.Input.Window;
    public int OutputLength => (int)Model.Plan.Output(0).Info.ElementCount;

    /// <summary>Float against optimised on the manifest's validation data; null without an optimization section that
    /// names validation data.</summary>
    public Analysis.OptimizationValidation? Validation { get; init; }
}

/// <summary>The result of <see cref="ManifestCompiler.Compile(string, CompileOptions?)"/>: the compilation or the problems.</summary>
public sealed record ManifestCompileResult(ManifestCompilation? Compilation, IReadOnlyList<ManifestDiagnostic> Diagnostics)
{
    public bool Succeeded => Compilation is not null && Diagnostics.Count == 0;
}

/// <summary>Manifest + model -> plan, checking what needs both: the model exists and loads, every dynamic
/// dimension is bound, the window fits the model's input, every operator runs, the output matches its meaning.
/// Each problem is a <see cref="ManifestDiagnostic"/> pointing into the manifest.</summary>
public static class ManifestCompiler
{
    public static ManifestCompileResult Compile(string manifestPath, CompileOptions? options = null)
    {
        var parsed = ManifestParser.ParseFile(manifestPath);
        return parsed.Succeeded ? Compile(parsed.Manifest!, options) : new ManifestCompileResult(null, parsed.Diagnostics);
    }

    public static ManifestCompileResult Compile(Manifest manifest, CompileOptions? options = null)
    {
        var problems = new List<ManifestDiagnostic>();
        ManifestCompileResult Fail(string id, (int Line, int Column) at, string message)
        {
            problems.Add(new ManifestDiagnostic(id, manifest.Path, at.Line, at.Column, message));
            return new ManifestCompileResult(null, problems);
        }

        var pos = manifest.Positions;
        if (manifest.Backend.Kind == BackendKind.OnnxRuntime)
            return Fail(ManifestDiagnosticIds.BackendUnavailable, pos.Backend,
                "the onnxruntime backend is not in this version of EdgeToken yet; use \"backend\": { \"kind\": \"generated\" }");

        string modelPath = manifest.ModelFullPath;
        if (!File.Exists(modelPath))
            return Fail(ManifestDiagnosticIds.ModelNotFound, pos.Model,
                $"model file '{manifest.ModelPath}' not found (looked for {modelPath}); 'model' is relative to the manifest's folder");

        Graph graph;
        try { graph = OnnxImporter.Load(modelPath); }
        catch (ModelLoadException e)
        {
            return Fail(ManifestDiagnosticIds.ModelUnreadable, pos.Model, $"model '{manifest.ModelPath}' cannot be read: {e.Problem}");
        }

        if (graph.Inputs.Count != 1 || graph.Outputs.Count < 1)
            return Fail(ManifestDiagnosticIds.ShapeMismatch, pos.Input,
                $"the model has {graph.Inputs.Count} inputs; a manifest pipeline feeds one window of sensor data into a model with exactly one input");
        var input = graph.Inputs[0];
        var declared = input.DeclaredDims ?? [];
        for (int i = 0; i < declared.Length; i++)
        {
            if (declared[i].IsStatic) continue;
            string key = declared[i].Symbol ?? $"{input.Name}:{i}";
            if (!manifest.Dimensions.ContainsKey(key) && !manifest.Dimensions.ContainsKey($"{input.Name}:{i}"))
                return Fail(ManifestDiagnosticIds.UnboundDimension, manifest.Dimensions.Count > 0 ? pos.Dimensions : pos.Model,
                    $"input '{input.Name}' dimension {i} ({(declared[i].Symbol is null ? "unnamed" : $"'{declared[i].Symbol}'")}) is dynamic; bind it in the manifest: \"dimensions\": {{ \"{key}\": 1 }}");
        }

        CompiledModel compiled;
        try
        {
            var o = manifest.Optimization;
            compiled = ModelCompiler.Compile(graph, new CompileOptions
            {
                Bindings = manifest.Dimensions,
                Optimize = options?.Optimize ?? true,
                DisabledPasses = options?.DisabledPasses ?? new HashSet<string>(),
                CalibrationPath = o?.Calibration is { } c ? manifest.Resolve(c) : null,
                Quantize = o is null ? new() : new Quantization.QuantizeOptions
                {
                    Method = o.QuantizeOptions.Method, PerChannelWeights = o.QuantizeOptions.PerChannelWeights, Exclude = o.QuantizeOptions.Exclude, Enabled = o.Quantize,
                },
                Prune = o?.Prune,
                BiasCorrection = o?.BiasCorrection ?? false,
            });
        }
        catch (UnsupportedModelException e)
        {
            return Fail(ManifestDiagnosticIds.UnsupportedOperator, pos.Model,
                $"{e.Message}; the generated backend cannot run this node. Use \"backend\": {{ \"kind\": \"onnxruntime\" }} for this model");
        }
        catch (CompileException e)
        {
            return Fail(ManifestDiagnosticIds.ModelDoesNotCompile, pos.Model, $"model '{manifest.ModelPath}' does not compile: {e.Message}");
        }

        var plan = compiled.Plan;
        var inputTensor = plan.Input(0);
        var s = manifest.Input;
        string expected = s.Layout == InputLayout.ChannelsLast ? $"[..., {s.Window}, {s.Channels}]" : $"[..., {s.Channels}, {s.Window}]";
        if (inputTensor.Type != ElementType.Float32)
            return Fail(ManifestDiagnosticIds.ShapeMismatch, pos.Input, $"model input '{inputTensor.Name}' is {inputTensor.Type.OnnxName()}; a sensor pipeline needs a float input");
        if (!LayoutFits(inputTensor.Dims, s))
            return Fail(ManifestDiagnosticIds.ShapeMismatch, pos.Input,
                $"the manifest's input ({s.Channels} channels x window {s.Window}, {(s.Layout == InputLayout.ChannelsLast ? "channels-last" : "channels-first")}) expects a model input {expected}, but '{inputTensor.Name}' is {Shape.Format(inputTensor.Dims)}; fix 'input.window', 'input.channels' or 'input.layout'");

        var output = plan.Output(0);
        if (output.Type != ElementType.Float32)
            return Fail(ManifestDiagnosticIds.OutputMismatch, pos.Output, $"model output '{output.Name}' is {output.Type.OnnxName()}; the output section reads float scores");
        long count = output.Info.ElementCount;
        var meaning = manifest.Output;
        if (meaning.Kind == OutputKind.Classes && count != meaning.Labels.Count)
            return Fail(ManifestDiagnosticIds.OutputMismatch, pos.Output,
                $"'output.labels' names {meaning.Labels.Count} classes but the model's output '{output.Name}' {Shape.Format(output.Dims)} has {count} scores; give one label per score");
        if (meaning.Kind == OutputKind.Anomaly && count != 1)
            return Fail(ManifestDiagnosticIds.OutputMismatch, pos.Output,
                $"an anomaly output is one score, but the model's output '{output.Name}' is {Shape.Format(output.Dims)}; use \"kind\": \"regression\" for several values");

        Analysis.OptimizationValidation? validation = null;
        if (manifest.Optimization is { Validation: { } data } opt)
        {
            try
            {
                var reference = ModelCompiler.Compile(OnnxImporter.Load(modelPath), new CompileOptions
                {
                    Bindings = manifest.Dimensions, Optimize = options?.Optimize ?? true, DisabledPasses = options?.DisabledPasses ?? new HashSet<string>(),
                });
                var samples = Quantization.CalibrationData.Load(manifest.Resolve(data), checked((int)inputTensor.Info.ElementCount));
                var labels = opt.ValidationLabels is { } l ? ReadLabels(manifest.Resolve(l)) : null;
                validation = Analysis.OptimizationValidation.Measure(reference, compiled, samples, meaning.Kind == OutputKind.Classes, labels);
            }
            catch (CompileException e)
            {
                return Fail(ManifestDiagnosticIds.ModelDoesNotCompile, opt.Position, $"validation data: {e.Message}");
            }
            if (AccuracyBudgetCheck.Missed(opt.Budget, validation, compiled) is { } message)
                return Fail(ManifestDiagnosticIds.AccuracyBudgetMissed, opt.Position, message);
        }

        return new ManifestCompileResult(new ManifestCompilation(manifest, compiled, PreprocessAffine.Fold(s, manifest.Preprocess)) { Validation = validation }, problems);
    }

    private static List<int> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new CompileException($"{path}: labels file not found");
        var labels = new List<int>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Trim() is { Length: > 0 } t && !t.StartsWith('#'))
                labels.Add(int.TryParse(t, out int v) ? v : throw new CompileException($"{path}:{line}: '{t}' is not a class index"));
        }
        return labels;
    }

    private static bool LayoutFits(int[] dims, SensorInput s)
    {
        if (Shape.ElementCount(dims) != (long)s.Channels * s.Window) return false;
        if (s.Channels == 1) return true; // [..., window] and [..., window, 1] and [..., 1, window] all hold one channel in order
        if (dims.Length < 2) return false;
        return s.Layout == InputLayout.ChannelsLast
            ? dims[^1] == s.Channels && dims[^2] == s.Window
            : dims[^1] == s.Window && dims[^2] == s.Channels;
    }
}
