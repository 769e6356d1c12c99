using EdgeToken.Compiler;
using EdgeToken.Compiler.Quantization;

namespace EdgeToken.Cli.Commands;

/// <summary>One quantized layer in <c>compile --report</c>: bytes as float and int8 (the weight matrix, and the whole layer with
/// bias and requantization multipliers), MACs, SQNR of its output against the float model in dB (null when exact) and
/// the largest absolute error of that output on the calibration samples.</summary>
public sealed record QuantizedLayerReport(string Name, string Op, string Activation, long FloatBytes, long Int8Bytes,
    long FloatWeightBytes, long Int8WeightBytes, long Macs, double? SqnrDb, double MaxError)
{
    /// <summary>Significant bits of the layer's widest requantization multiplier: below 31 where it requantizes on
    /// 32-bit lanes (a convolution whose sums allow it), 31 for the 64-bit form.</summary>
    public int RequantBits { get; init; } = 31;

    /// <summary>"32-bit, N-bit M" or "64-bit", as the text report prints it.</summary>
    public string Requantization => RequantBits < 31 ? $"32-bit, {RequantBits}-bit M" : "64-bit";
}

/// <summary>The quantization section of <c>compile --report</c>. Ratios are float bytes over int8 bytes.</summary>
public sealed record QuantizationSummary(string Calibration, string Method, bool PerChannelWeights, int Layers,
    long FloatBytes, long Int8Bytes, double SizeRatio, double WeightSizeRatio, long ArenaBytes, IReadOnlyList<QuantizedLayerReport> PerLayer)
{
    /// <summary>Bits of the weight values: 8, or 7 for the u8 x s8 kernels.</summary>
    public int WeightBits { get; init; } = 8;

    /// <summary>The element-wise chains that run as int8 lookup tables (<c>EdgeToken.QLookup</c>), as "count × op → op".</summary>
    public IReadOnlyList<string> Lookups { get; init; } = [];

    /// <summary>GRU, LSTM and RNN layers left in float, each with why: a GRU the cost model keeps float
    /// (<see cref="RecurrentCostModel"/>), or that <see cref="QuantizeOptions.Recurrent"/> or the exclusions keep float, or
    /// that the int8 cell cannot run; LSTM and RNN have no int8 kernel.</summary>
    public IReadOnlyList<string> FloatRecurrent { get; init; } = [];

    /// <summary>The merges that run int8 (<c>EdgeToken.QAdd</c>, <c>QMul</c>, <c>QConcat</c>), as "count × op".</summary>
    public IReadOnlyList<string> Merges { get; init; } = [];

    /// <summary>Samples calibrated on: model inputs in the file, or windows of a recording after the preprocess chain.</summary>
    public int CalibrationSamples { get; init; }

    /// <summary>True when <see cref="Calibration"/> is a sensor recording (cut into windows by the manifest's input and chain).</summary>
    public bool CalibrationIsRecording { get; init; }

    public static QuantizationSummary From(CompiledModel compiled, string calibration, QuantizeOptions options, bool recording = false)
    {
        var layers = compiled.QuantizedLayers.Select(l => new QuantizedLayerReport(l.Name, l.OpType, l.Activation.Length == 0 ? "none" : l.Activation,
            l.FloatBytes, l.Int8Bytes, l.FloatWeightBytes, l.Int8WeightBytes, l.Macs,
            double.IsFinite(l.SqnrDb) ? Math.Round(l.SqnrDb, 2) : null, l.MaxError) { RequantBits = l.RequantBits }).ToList();
        long f = layers.Sum(l => l.FloatBytes), q = layers.Sum(l => l.Int8Bytes);
        long fw = layers.Sum(l => l.FloatWeightBytes), qw = layers.Sum(l => l.Int8WeightBytes);
        return new QuantizationSummary(calibration, options.Method.ToString(), options.PerChannelWeights, layers.Count, f, q,
            q == 0 ? 0 : Math.Round((double)f / q, 3), qw == 0 ? 0 : Math.Round((double)fw / qw, 3), compiled.Statistics.ArenaBytes, layers)
        {
            WeightBits = options.WeightBits,
            CalibrationSamples = compiled.CalibrationSamples,
            CalibrationIsRecording = recording,
            FloatRecurrent = [.. compiled.Graph.Nodes.Where(n => n.OpType is "GRU" or "LSTM" or "RNN").Select(n => $"{n.Name} ({n.OpType}: {FloatReason(n, options)})")],
            Merges = [.. compiled.Graph.Nodes.Select(n => EdgeToken.Runtime.Kernels.Int8.QMerge.FloatOp(n.OpType)).OfType<string>()
                .GroupBy(op => op, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")],
            Lookups = [.. compiled.Graph.Nodes.Where(n => n.OpType == EdgeToken.Runtime.Kernels.Int8.QLookup.OpType)
                .Select(n => string.Join(" → ", n.Attributes.GetStrings(Quantizer.LookupOps) ?? []))
                .GroupBy(chain => chain, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")],
        };
    }

    private static string FloatReason(EdgeToken.Compiler.Graphs.Node node, QuantizeOptions options)
    {
        if (node.OpType != "GRU") return "no int8 kernel";
        if (options.Exclude.Contains(node.Name)) return "excluded";
        int hidden = Quantizer.GruHidden(node);
        return options.Recurrent switch
        {
            false => "recurrent quantization turned off (quantize.recurrent or --quantize-recurrent false)",
            null when !RecurrentCostModel.Int8Pays(hidden) => RecurrentCostModel.FloatReason(hidden),
            _ => "not eligible for the int8 cell (weights not constant, sequence_lens, or gate functions other than sigmoid/tanh)",
        };
    }

    public void Print()
    {
        string samples = CalibrationIsRecording ? $"{CalibrationSamples:N0} windows of the recording through the preprocess chain" : $"{CalibrationSamples:N0} samples";
        Console.WriteLine($"quantized {Layers} layers to INT8 ({Method} calibration on {Calibration}: {samples}; {(PerChannelWeights ? "per-channel" : "per-tensor")} {WeightBits}-bit weights)");
        Console.WriteLine($"  {"layer",-20} {"op",-7} {"act",-5} {"float B",9} {"int8 B",8} {"MACs",9} {"SQNR dB",8} {"max error",10}  requantization");
        foreach (var l in PerLayer)
            Console.WriteLine($"  {l.Name,-20} {l.Op,-7} {l.Activation,-5} {l.FloatBytes,9:N0} {l.Int8Bytes,8:N0} {l.Macs,9:N0} {(l.SqnrDb is { } s ? s.ToString("F1") : "exact"),8} {l.MaxError,10:G4}  {l.Requantization}");
        if (Lookups.Count > 0) Console.WriteLine($"  int8 lookup tables: {string.Join(", ", Lookups)}");
        if (Merges.Count > 0) Console.WriteLine($"  int8 merges (requantized to their output's parameters): {string.Join(", ", Merges)}");
        if (FloatRecurrent.Count > 0)
            Console.WriteLine($"  float recurrent layers: {string.Join(", ", FloatRecurrent)} (--quantize-recurrent or quantize.recurrent: true forces every GRU to int8, ~2.9x smaller W and R)");
        Console.WriteLine($"  total: {FloatBytes:N0} B float -> {Int8Bytes:N0} B int8 ({SizeRatio:F2}x smaller; weights alone {WeightSizeRatio:F2}x), arena {ArenaBytes:N0} B");
    }
}
