using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Samples.RailBearing.Model;

/// <summary>
/// Writes a <see cref="BearingClassifier"/> as ONNX with the compiler's <see cref="OnnxModelBuilder"/>:
/// input "features" [1, F] (the bearing front end's vector), outputs "probabilities" [1, classes] (first, so the
/// agent's plan pipeline reads it) and "anomaly" [1, 1] = 1 − p(healthy).
/// </summary>
public static class OnnxExport
{
    public const string InputName = "features";
    public const string ProbabilitiesName = "probabilities";
    public const string AnomalyName = "anomaly";

    public static OnnxModelBuilder Build(BearingClassifier model)
    {
        int n = model.InputCount;
        var b = new OnnxModelBuilder("rail-bearing", 17);
        b.Input(InputName, ElementType.Float32, 1, n);
        string x = b.Op("Abs", [InputName]);
        x = b.Op("Add", [x, b.Initializer("epsilon", [FeatureScaling.Epsilon], 1)]);
        x = b.Op("Log", [x]);
        x = b.Op("Sub", [x, b.Initializer("feature_mean", model.Scaling.Mean, 1, n)]);
        x = b.Op("Mul", [x, b.Initializer("feature_inverse_std", model.Scaling.InverseStd, 1, n)]);
        for (int l = 0; l < model.Layers.Length; l++)
        {
            var layer = model.Layers[l];
            string w = b.Initializer($"dense{l}_weight", layer.Weights, layer.Outputs, layer.Inputs);
            string bias = b.Initializer($"dense{l}_bias", layer.Bias, layer.Outputs);
            x = b.Op("Gemm", [x, w, bias], ("transB", 1L));
            if (l < model.Layers.Length - 1) x = b.Op("Relu", [x]);
        }
        b.Node("Softmax", [x], [ProbabilitiesName], ("axis", 1L));
        string healthy = b.Op("Slice", [ProbabilitiesName, b.Initializer("slice_start", new long[] { 0 }, 1), b.Initializer("slice_end", new long[] { 1 }, 1), b.Initializer("slice_axis", new long[] { 1 }, 1)]);
        b.Node("Sub", [b.Initializer("one", [1f], 1), healthy], [AnomalyName]);
        b.Output(ProbabilitiesName, ElementType.Float32, 1, model.ClassCount);
        b.Output(AnomalyName, ElementType.Float32, 1, 1);
        return b;
    }
}
