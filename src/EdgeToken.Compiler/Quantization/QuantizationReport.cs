using EdgeToken.Compiler.Graphs;

namespace EdgeToken.Compiler.Quantization;

/// <summary>Compares every quantized layer's output in the quantized graph with the float model's on the same samples:
/// SQNR in dB (10·log10 of signal power over error power) and the largest absolute error.</summary>
public static class QuantizationReport
{
    public static void Measure(Graph quantized, IReadOnlyList<QuantizedLayer> layers, Dictionary<string, List<float[]>> floatOutputs,
        IReadOnlyList<float[]> samples)
    {
        var byName = quantized.AllValues().Where(v => floatOutputs.ContainsKey(v.Name) && !v.IsConstant).ToDictionary(v => v.Name);
        // Runs before dead-node elimination, so every layer's DequantizeLinear is still there, even those whose float
        // output nothing reads any more because the next layer takes the int8 tensor.
        var targets = byName.Values.ToList();
        var seen = Calibrator.Collect(quantized, targets, samples);
        foreach (var layer in layers)
        {
            var value = layer.OutputName is { } name ? byName.GetValueOrDefault(name) : byName.Values.FirstOrDefault(v => v.Producer?.Name == $"{layer.Name}_dequantize");
            if (value is null || !floatOutputs.TryGetValue(value.Name, out var reference)) continue;
            double signal = 0, noise = 0, worst = 0;
            for (int s = 0; s < reference.Count; s++)
                for (int i = 0; i < reference[s].Length; i++)
                {
                    double e = reference[s][i], d = e - seen[value][s][i];
                    signal += e * e;
                    noise += d * d;
                    worst = Math.Max(worst, Math.Abs(d));
                }
            layer.SqnrDb = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
            layer.MaxError = worst;
        }
    }
}
