using EdgeToken.Cli.Reference;
using EdgeToken.Compiler;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Cli.Verification;

/// <summary>The largest difference between EdgeToken and ONNX Runtime on one output.</summary>
/// <param name="MaxRelativeError">Largest absolute error divided by the largest magnitude of the reference output.</param>
public sealed record OutputError(string Output, string Shape, double MaxAbsoluteError, double MaxRelativeError, double ReferenceMagnitude);

/// <summary>Runs a model with EdgeToken's plan executor and with ONNX Runtime on the same seeded inputs.</summary>
public static class ModelVerifier
{
    public static List<OutputError> Verify(string modelPath, CompileOptions options, int seed, int runs = 1)
    {
        var compiled = ModelCompiler.CompileFile(modelPath, options);
        var executor = new PlanExecutor(compiled.Plan);
        using var ort = new OnnxRuntimeReference(modelPath);
        var rng = new Random(seed);
        var worst = new OutputError[executor.OutputCount];
        for (int run = 0; run < runs; run++)
        {
            var inputs = new ConstantTensor[executor.InputCount];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = RandomInputs.Create(compiled.Plan.Input(i).Info, rng);
                inputs[i].Bytes.Span.CopyTo(executor.InputBytes(i));
            }
            executor.Run();
            var byName = ort.InputNames.Select(n => inputs[executor.InputIndex(n)]).ToArray();
            var reference = ort.Run(byName);
            for (int o = 0; o < executor.OutputCount; o++)
            {
                var t = compiled.Plan.Output(o);
                var expected = reference[ort.OutputNames.ToList().IndexOf(t.Name)];
                var actual = new ConstantTensor(t.Type, t.Dims, executor.OutputBytes(o).ToArray());
                var error = Measure(t.Name, expected, actual);
                if (worst[o] is null || error.MaxRelativeError > worst[o].MaxRelativeError) worst[o] = error;
            }
        }
        return [.. worst];
    }

    public static OutputError Measure(string name, ConstantTensor expected, ConstantTensor actual)
    {
        if (!expected.Dims.AsSpan().SequenceEqual(actual.Dims))
            return new OutputError(name, $"{Shape.Format(actual.Dims)} vs {Shape.Format(expected.Dims)}", double.PositiveInfinity, double.PositiveInfinity, 0);
        double maxAbs = 0, magnitude = 0;
        for (int i = 0; i < expected.ElementCount; i++)
        {
            double e = expected.ElementAsDouble(i), a = actual.ElementAsDouble(i);
            magnitude = Math.Max(magnitude, Math.Abs(e));
            double diff = double.IsNaN(e) && double.IsNaN(a) ? 0 : Math.Abs(a - e);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, diff);
        }
        double rel = maxAbs == 0 ? 0 : maxAbs / Math.Max(magnitude, 1e-12);
        return new OutputError(name, Shape.Format(actual.Dims), maxAbs, rel, magnitude);
    }
}
