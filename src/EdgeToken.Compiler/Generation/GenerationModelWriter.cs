using System.Globalization;
using System.Text;
using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Manifests;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Plans;

namespace EdgeToken.Compiler.Generation;

/// <summary>
/// Writes the generation model (<c>.etgen</c>): everything the source generator needs to emit one pipeline
/// class, resolved by the build step so the generator itself stays light (no ONNX, no planning in the IDE).
/// </summary>
/// <remarks>
/// A line-based text format (one record per line, tab-separated, strings percent-encoded) rather than JSON,
/// because the generator targets netstandard2.0 inside the compiler process, where System.Text.Json is not
/// reliably loadable; a split on tabs needs nothing. Floats are written in round-trip form and copied into
/// the generated source as literals unchanged. The format is versioned by the first line; the generator
/// reports ET0012 for any other version. Weights travel as base64 (small models; large ones would want a
/// memory-mapped resource instead).
/// </remarks>
public static class GenerationModelWriter
{
    public const int FormatVersion = 2; // 2: the preprocessing chain's DSP stages (chain, dsp records)
    public const string FileSuffix = ".etgen";

    public static string Write(ManifestCompilation compilation)
    {
        var m = compilation.Manifest;
        var plan = compilation.Model.Plan;
        var sb = new StringBuilder();
        void Line(params object[] fields) => sb.Append(string.Join('\t', fields.Select(Format))).Append('\n');

        Line("etgen", FormatVersion);
        Line("name", m.Name);
        Line("namespace", m.Namespace);
        Line("manifest", Escape(Path.GetFullPath(m.Path)));
        var s = m.Input;
        Line("input", s.Channels, s.SampleRate, s.Window, s.Hop, s.Layout == InputLayout.ChannelsLast ? "channels-last" : "channels-first");
        Line("preprocess", Floats(compilation.Preprocess.Scale), Floats(compilation.Preprocess.Offset));
        if (compilation.Chain.HasDsp)
        {
            Line("chain", compilation.Chain.LengthPerChannel);
            foreach (var stage in compilation.Chain.Stages)
                Line("dsp", stage.Step.Op, stage.Input.ToString(), stage.InputLength, stage.Output.ToString(), stage.OutputLength, Escape(ChainArguments.Of(stage, s)));
        }
        if (m.Backend.Kind == BackendKind.OnnxRuntime) Line("backend", "onnxruntime", string.Join(',', m.Backend.ExecutionProviders));
        else Line("backend", "generated");
        var o = m.Output;
        Line("output", o.Kind.ToString().ToLowerInvariant(), (float)o.Threshold, o.Debounce,
            string.Join(',', o.Labels.Select(Escape)), string.Join(',', o.Labels.Select(l => ManifestParser.LabelIdentifier(l))));
        Line("plan", plan.ArenaBytes, plan.ScratchBytes, plan.Weights.Length, MacCounter.Total(compilation.Model.Graph), plan.Inputs[0], plan.Outputs[0]);
        for (int t = 0; t < plan.Tensors.Length; t++)
        {
            var x = plan.Tensors[t];
            Line("tensor", t, Escape(x.Name), (int)x.Type, string.Join(',', x.Dims), (int)x.Kind, x.Offset, x.Length);
        }
        for (int i = 0; i < plan.Steps.Length; i++)
        {
            var step = plan.Steps[i];
            Line("step", i, Escape(step.Name), step.OpType, step.Opset, string.Join(',', step.Inputs), string.Join(',', step.Outputs));
            foreach (var (name, value) in step.Attributes.Values.OrderBy(a => a.Key, StringComparer.Ordinal))
                Line("attr", i, Escape(name), (int)value.Kind, AttributeText(value));
        }
        Line("weights", Convert.ToBase64String(plan.Weights.Span));
        Line("end");
        return sb.ToString();
    }

    /// <summary>A generation model that carries only the manifest's problems, so the generator reports them at
    /// their place in the manifest (the IDE shows them even when the build step's own errors scroll past).</summary>
    public static string WriteErrors(string manifestPath, IEnumerable<ManifestDiagnostic> diagnostics)
    {
        var sb = new StringBuilder();
        sb.Append("etgen\t").Append(FormatVersion).Append('\n');
        sb.Append("manifest\t").Append(Escape(Path.GetFullPath(manifestPath))).Append('\n');
        foreach (var d in diagnostics)
            sb.Append($"error\t{d.Id}\t{d.Line}\t{d.Column}\t{Escape(d.Message)}\n");
        sb.Append("end\n");
        return sb.ToString();
    }

    public static string Escape(string s) => Uri.EscapeDataString(s);

    private static string AttributeText(AttributeValue v) => v.Kind switch
    {
        AttributeKind.Float => Format(v.Float),
        AttributeKind.Int => Format(v.Int),
        AttributeKind.String => Escape(v.String),
        AttributeKind.Floats => Floats(v.Floats),
        AttributeKind.Ints => string.Join(',', v.Ints.Select(i => Format(i))),
        AttributeKind.Strings => string.Join(',', v.Strings.Select(Escape)),
        AttributeKind.Tensor => $"{(int)v.Tensor!.Type};{string.Join(',', v.Tensor.Dims)};{Convert.ToBase64String(v.Tensor.Bytes.Span)}",
        _ => throw new InvalidOperationException($"attribute kind {v.Kind}"),
    };

    private static string Floats(float[] values) => string.Join(',', values.Select(f => Format(f)));

    private static string Format(object value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
