using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Quantization;
using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Pruning;

/// <summary>Bias correction: pruning and quantization shift the mean of a layer's output; measured on the calibration
/// data, that mean shift is added back to the layer's bias. No training loop, one pass over the samples per step.</summary>
/// <remarks>
/// <para>After pruning (<see cref="AfterPruning"/>): for a layer y = W x + b pruned to W', the expected shift is
/// (W − W') · E[x], exactly, before the activation, with E[x] the mean input of the layer in the pruned model on the
/// calibration samples (for a Conv, per input channel over positions; padding is ignored). So b' = b + (W − W') · E[x].</para>
/// <para>After quantization (<see cref="AfterQuantization"/>): for each int8 layer (QGemm or QConv; per output channel, over all
/// rows or pixels), the mean over samples and rows of
/// (float output − dequantized int8 output) per channel, in units of x_scale · w_scale[n], is added to the int32 bias.
/// It is measured after the activation (the dequantized output is all there is), so under a Relu it is an estimate.</para>
/// Both are what "empirical bias correction" (Nagel et al., 2019) does. Tests check the mean output error falls.</remarks>
public static class BiasCorrection
{
    /// <summary>Weights of layers as [N, K] before pruning, by node name.</summary>
    public static Dictionary<string, float[]> Snapshot(Graph graph, ISet<string> exclude) =>
        MagnitudePruner.Layers(graph, exclude).ToDictionary(l => l.Node.Name, l => l.Read());

    /// <summary>Corrects every layer whose weights differ from <paramref name="before"/>; returns how many.</summary>
    public static int AfterPruning(Graph graph, Dictionary<string, float[]> before, IReadOnlyList<float[]> samples)
    {
        var layers = graph.Nodes.Select(LayerWeight.Of).OfType<LayerWeight>()
            .Where(l => before.TryGetValue(l.Node.Name, out var w) && w.Length == l.Rows * l.Cols && l.Node.OpType != "MatMul").ToList();
        if (layers.Count == 0 || samples.Count == 0) return 0;
        var inputs = Calibrator.Collect(graph, layers.Select(l => l.Node.Inputs[0]!).Distinct().ToList(), samples);
        int corrected = 0;
        foreach (var layer in layers)
        {
            var x = layer.Node.Inputs[0]!;
            int channels = layer.Node.OpType == "Conv" ? layer.Weight.Dims![1] : layer.Cols;
            int kernel = layer.Cols / channels;
            var mean = MeanPerChannel(inputs[x], x.Dims!, layer.Node.OpType == "Conv");
            var w0 = before[layer.Node.Name];
            var w1 = layer.Read();
            var shift = new double[layer.Rows];
            for (int r = 0; r < layer.Rows; r++)
                for (int c = 0; c < layer.Cols; c++)
                    shift[r] += (w0[r * layer.Cols + c] - w1[r * layer.Cols + c]) * mean[c / kernel];
            if (shift.All(s => s == 0)) continue;
            AddToBias(layer.Node, layer.Rows, shift);
            corrected++;
        }
        return corrected;
    }

    /// <summary>Corrects the int32 bias of every quantized layer by its measured mean output shift against
    /// <paramref name="floatOutputs"/> (the float layer outputs the quantizer collected); returns how many.</summary>
    public static int AfterQuantization(Graph quantized, IReadOnlyList<QuantizedLayer> layers, Dictionary<string, List<float[]>> floatOutputs,
        IReadOnlyList<float[]> samples)
    {
        var outputs = quantized.AllValues().Where(v => !v.IsConstant && v.Producer?.OpType == "DequantizeLinear" && floatOutputs.ContainsKey(v.Name)).ToList();
        int corrected = 0;
        // One layer at a time, in schedule order, each measured after the layers before it were corrected: measuring all
        // at once would correct a later layer for a shift its corrected inputs no longer have.
        foreach (var layer in layers)
        {
            var value = outputs.FirstOrDefault(v => v.Producer!.Name == $"{layer.Name}_dequantize");
            if (value is null) continue;
            var seen = Calibrator.Collect(quantized, [value], samples);
            var node = quantized.Nodes.FirstOrDefault(n => n.Name == $"{layer.Name}_int8" && n.OpType is QGemm.OpType or QConv.OpType);
            if (node is null) continue;
            int rows = node.Inputs[1]!.Dims![0];
            // A QGemm's output is [batch, N]: channel i % N. A QConv's is [N, M, spatial...]: channel (i / plane) % M.
            int plane = node.OpType == QConv.OpType ? (int)(Shape.ElementCount(value.Dims!) / value.Dims![0] / rows) : 1;
            var reference = floatOutputs[value.Name];
            var shift = new double[rows];
            long count = 0; // how many values each channel's sum holds, over all samples
            for (int s = 0; s < reference.Count; s++)
            {
                for (int i = 0; i < reference[s].Length; i++) shift[i / plane % rows] += reference[s][i] - seen[value][s][i];
                count += reference[s].Length / rows;
            }
            var scales = node.Attributes.GetFloats(QdqExporter.WeightScales)!;
            float xs = node.Attributes.GetFloat(QdqExporter.InputScale, 1f);
            var bias = node.Inputs[2]!.Constant!.AsSpan<int>().ToArray();
            for (int n = 0; n < rows; n++)
            {
                double unit = (double)xs * scales[scales.Length == 1 ? 0 : n];
                bias[n] = (int)Math.Clamp(bias[n] + Math.Round(shift[n] / count / unit, MidpointRounding.AwayFromZero), int.MinValue / 2, int.MaxValue / 2);
            }
            var b = node.Inputs[2]!;
            node.Inputs[2] = new Value(b.Name + "_corrected") { Type = ElementType.Int32, Dims = b.Dims, Constant = ConstantTensor.FromArray(ElementType.Int32, b.Dims!, bias) };
            corrected++;
        }
        return corrected;
    }

    private static double[] MeanPerChannel(List<float[]> samples, int[] dims, bool channelsFirst)
    {
        int channels = channelsFirst ? dims[1] : dims[^1];
        int inner = channelsFirst ? (int)(Shape.ElementCount(dims) / dims[0] / dims[1]) : 1;
        var mean = new double[channels];
        long count = 0;
        foreach (var s in samples)
        {
            for (int i = 0; i < s.Length; i++) mean[channelsFirst ? i / inner % channels : i % channels] += s[i];
            count += s.Length / channels;
        }
        for (int c = 0; c < channels; c++) mean[c] /= count;
        return mean;
    }

    private static void AddToBias(Node node, int rows, double[] shift)
    {
        var bias = node.Input(2);
        var values = bias?.Constant?.AsSpan<float>().ToArray() ?? new float[rows];
        for (int r = 0; r < rows; r++) values[r] += (float)shift[r];
        var corrected = new Value($"{bias?.Name ?? node.Name + "_bias"}_corrected") { Type = ElementType.Float32, Dims = [rows], Constant = ConstantTensor.FromArray(ElementType.Float32, [rows], values) };
        while (node.Inputs.Count < 3) node.Inputs.Add(null);
        node.Inputs[2] = corrected;
    }
}
