using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Manifests;

/// <summary>A manifest compiled together with its model: everything the generator emits code from.
/// <see cref="Preprocess"/> is the input scaling with the chain's leading affine steps folded in; <see cref="Chain"/>
/// holds the DSP stages after it (none for an affine-only chain).</summary>
public sealed record ManifestCompilation(Manifest Manifest, CompiledModel Model, PreprocessChain Chain)
{
    public PreprocessAffine Preprocess => Chain.Leading;
    /// <summary>Raw values in one window: channels x window.</summary>
    public int InputLength => Manifest.Input.Channels * Manifest.Input.Window;
    /// <summary>Values the model's input holds: what the chain makes of one window.</summary>
    public int ModelInputLength => Chain.OutputLength;
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

        var chain = PreprocessChain.Resolve(manifest.Path, manifest.Input, manifest.Preprocess);
        CompiledModel compiled;
        if (manifest.Backend.Kind == BackendKind.OnnxRuntime)
        {
            // ONNX Runtime runs the model: EdgeToken only needs the shapes at its two ends, not its operators.
            var io = OnnxRuntimeIo.Plan(graph, manifest.Dimensions, File.ReadAllBytes(modelPath), out string? problem);
            if (io is null) return Fail(ManifestDiagnosticIds.UnboundDimension, manifest.Dimensions.Count > 0 ? pos.Dimensions : pos.Model, problem!);
            compiled = io;
        }
        else try
        {
            var o = manifest.Optimization;
            var recorded = o?.Calibration is { IsRecording: true } r ? RecordingWindows.Load(manifest.Resolve(r.Path), manifest.Input, chain) : null;
            compiled = ModelCompiler.Compile(graph, new CompileOptions
            {
                Bindings = manifest.Dimensions,
                Optimize = options?.Optimize ?? true,
                DisabledPasses = options?.DisabledPasses ?? new HashSet<string>(),
                CalibrationPath = o?.Calibration is { IsRecording: false } c ? manifest.Resolve(c.Path) : null,
                CalibrationSamples = recorded,
                Quantize = o is null ? new() : new Quantization.QuantizeOptions
                {
                    Method = o.QuantizeOptions.Method, PerChannelWeights = o.QuantizeOptions.PerChannelWeights, WeightBits = o.QuantizeOptions.WeightBits,
                    Recurrent = o.QuantizeOptions.Recurrent, Exclude = o.QuantizeOptions.Exclude, Enabled = o.Quantize,
                },
                Prune = o?.Prune,
                BiasCorrection = o?.BiasCorrection ?? false,
            });
        }
        catch (Quantization.DataFileException e)
        {
            return Fail(ManifestDiagnosticIds.DataUnusable, manifest.Optimization!.Position, $"calibration data: {e.Message}");
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
        if (chain.HasDsp)
        {
            if (!LayoutFits(inputTensor.Dims, s.Channels, chain.LengthPerChannel, s.Layout, flatFeatures: true))
            {
                int f = chain.LengthPerChannel;
                string wanted = s.Channels == 1 ? $"{f} values" : s.Layout == InputLayout.ChannelsLast ? $"[..., {f}, {s.Channels}]" : $"[..., {s.Channels}, {f}]";
                return Fail(ManifestDiagnosticIds.PreprocessSizeMismatch, pos.Preprocess,
                    $"the preprocess chain gives {s.Channels} channel(s) x {f} values = {chain.OutputLength} ({chain.Describe()}), so the model input should be {wanted}, but '{inputTensor.Name}' is {Shape.Format(inputTensor.Dims)} ({Shape.ElementCount(inputTensor.Dims)} values); change the chain's parameters (bands, bins, coefficients, statistics), 'input.window' or 'input.layout' to fit the model");
            }
        }
        else if (!LayoutFits(inputTensor.Dims, s.Channels, s.Window, s.Layout))
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
                var samples = data.Load(manifest, chain, checked((int)inputTensor.Info.ElementCount));
                var labels = opt.ValidationLabels is { } l ? ReadLabels(manifest.Resolve(l)) : null;
                validation = Analysis.OptimizationValidation.Measure(reference, compiled, samples, meaning.Kind == OutputKind.Classes, labels);
            }
            catch (Quantization.DataFileException e)
            {
                return Fail(ManifestDiagnosticIds.DataUnusable, opt.Position, $"validation data: {e.Message}");
            }
            if (AccuracyBudgetCheck.Missed(opt.Budget, validation, compiled) is { } message)
                return Fail(ManifestDiagnosticIds.AccuracyBudgetMissed, opt.Position, message);
        }

        return new ManifestCompileResult(new ManifestCompilation(manifest, compiled, chain) { Validation = validation }, problems);
    }

    private static List<int> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new Quantization.DataFileException($"{path}: labels file not found");
        var labels = new List<int>();
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Trim() is { Length: > 0 } t && !t.StartsWith('#'))
                labels.Add(int.TryParse(t, out int v) ? v : throw new Quantization.DataFileException($"{path}:{line}: '{t}' is not a class index"));
        }
        return labels;
    }

    /// <summary>Whether a model input holds <paramref name="channels"/> x <paramref name="perChannel"/> values in the
    /// layout's order (the window's frames, or the chain's values per channel).</summary>
    /// <param name="flatFeatures">A DSP chain's features may also feed a flat input ([1, channels x features], the
    /// usual input of a dense classifier), in the layout's order: channel-major for channels-first.</param>
    private static bool LayoutFits(int[] dims, int channels, int perChannel, InputLayout layout, bool flatFeatures = false)
    {
        if (Shape.ElementCount(dims) != (long)channels * perChannel) return false;
        if (channels == 1) return true; // [..., n] and [..., n, 1] and [..., 1, n] all hold one channel in order
        if (flatFeatures && dims.Length >= 1 && dims[^1] == channels * perChannel) return true;
        if (dims.Length < 2) return false;
        return layout == InputLayout.ChannelsLast
            ? dims[^1] == channels && dims[^2] == perChannel
            : dims[^1] == perChannel && dims[^2] == channels;
    }
}
