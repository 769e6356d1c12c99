using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Passes;
using EdgeToken.Compiler.Planning;
using EdgeToken.Compiler.Pruning;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Compiler;

/// <summary>The result of compiling a model.</summary>
public sealed record CompiledModel(Graph Graph, Plan Plan, PlanStatistics Statistics, IReadOnlyList<(string Pass, int Rewrites)> Passes)
{
    /// <summary>The layers the quantizer rewrote, with their accuracy against the float model; empty when not quantized.</summary>
    public IReadOnlyList<QuantizedLayer> QuantizedLayers { get; init; } = [];
    /// <summary>The layers pruning changed (channel pruning first, then magnitude); empty when not pruned.</summary>
    public IReadOnlyList<PrunedLayer> PrunedLayers { get; init; } = [];
    /// <summary>For each N:M-pruned layer: sparse kernel or dense, why, and its weight bytes both ways.</summary>
    public IReadOnlyList<SparseLayer> SparseLayers { get; init; } = [];
    /// <summary>Why quantization was asked for (a calibration file) but not done: the model arrived quantized
    /// (<see cref="PreQuantized"/>); null otherwise. Callers print it as a warning.</summary>
    public string? QuantizationSkipped { get; init; }
    /// <summary>Calibration samples the quantizer (and bias correction) measured on; 0 without calibration data.</summary>
    public int CalibrationSamples { get; init; }
}

/// <summary>ONNX in, statically planned graph out: import, bind, infer, optimise, plan.</summary>
public static class ModelCompiler
{
    public static CompiledModel CompileFile(string onnxPath, CompileOptions? options = null) =>
        Compile(OnnxImporter.Load(onnxPath), options);

    public static CompiledModel Compile(Graph graph, CompileOptions? options = null)
    {
        options ??= new CompileOptions();
        ShapeInference.BindInputs(graph, options.Bindings);
        ShapeInference.Infer(graph);
        string? quantizedOps = PreQuantized.Describe(graph);
        var log = options.Optimize
            ? PassPipeline.Run(graph, PassPipeline.Default(), options.DisabledPasses)
            : [];
        List<QuantizedLayer> layers = [];
        var samples = options.CalibrationSamples is { } given ? CheckSamples(graph, given)
            : options.CalibrationPath is { } calibration ? LoadSamples(graph, calibration) : null;
        if (options.BiasCorrection && samples is null) throw new CompileException("bias correction measures on calibration data; give a calibration file too");
        // Convolutions that will be quantized are pruned in the units the int8 kernel skips (see MagnitudePruner.Prune).
        Func<Node, bool>? quantize = samples is not null && options.Quantize.Enabled && quantizedOps is null ? n => !options.Quantize.Exclude.Contains(n.Name) : null;
        var pruned = options.Prune is { } prune ? Prune(graph, prune, options.BiasCorrection ? samples : null, quantize) : [];
        string? skipped = null;
        if (samples is not null && options.Quantize.Enabled && quantizedOps is not null)
            skipped = $"'{graph.Name}' arrives quantized ({quantizedOps}): it runs with its own scales and zero points and is not quantized again; the calibration data is not used for quantization";
        else if (samples is not null && options.Quantize.Enabled)
        {
            (layers, var floatOutputs) = Quantizer.Quantize(graph, samples, options.Quantize);
            if (options.BiasCorrection) BiasCorrection.AfterQuantization(graph, layers, floatOutputs, samples);
            QuantizationReport.Measure(graph, layers, floatOutputs, samples);
            new DeadNodeElimination().Run(graph);
        }
        var sparse = options.Prune is { SparseKernels: true } p
            ? SparseRewriter.Rewrite(graph, p, pruned.Where(l => l.Pattern != "channels").Select(l => l.Name).ToHashSet())
            : [];
        var (plan, stats) = PlanBuilder.Build(graph);
        return new CompiledModel(graph, plan, stats, log) { QuantizedLayers = layers, PrunedLayers = pruned, SparseLayers = sparse, QuantizationSkipped = skipped, CalibrationSamples = samples?.Count ?? 0 };
    }

    private static List<float[]> LoadSamples(Graph graph, string calibration) =>
        CalibrationData.Load(calibration, checked((int)CalibratedInput(graph, $"{calibration}: ").Info.ElementCount));

    private static IReadOnlyList<float[]> CheckSamples(Graph graph, IReadOnlyList<float[]> samples)
    {
        var input = CalibratedInput(graph, "");
        if (samples.Count == 0) throw new DataFileException("no calibration samples");
        long n = input.Info.ElementCount;
        if (samples.FirstOrDefault(s => s.Length != n) is { } bad)
            throw new DataFileException($"a calibration sample holds {bad.Length} values; the model's input '{input.Name}' holds {n}");
        return samples;
    }

    private static Value CalibratedInput(Graph graph, string where) => graph.Inputs.Count == 1 ? graph.Inputs[0]
        : throw new CompileException($"{where}calibration needs a model with one input; '{graph.Name}' has {graph.Inputs.Count}");

    private static List<PrunedLayer> Prune(Graph graph, PruneOptions options, IReadOnlyList<float[]>? samples, Func<Node, bool>? quantize)
    {
        var layers = ChannelPruner.Prune(graph, options.Channels, options.Exclude);
        if (options.Pattern == PruningPattern.NM || options.Sparsity > 0)
        {
            var before = samples is null ? null : BiasCorrection.Snapshot(graph, options.Exclude);
            layers.AddRange(MagnitudePruner.Prune(graph, options, quantize));
            if (before is not null) BiasCorrection.AfterPruning(graph, before, samples!);
        }
        return layers;
    }
}
