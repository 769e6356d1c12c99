using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Cli.Commands;

/// <summary>
/// A compiled plan whose single float input takes one front-end feature vector per run, as on a
/// device: the feature count must equal the input's element count (e.g. [1, 90] for three channels).
/// </summary>
internal sealed class ModelOnFeatures
{
    private readonly PlanExecutor _executor;

    private ModelOnFeatures(PlanExecutor executor) => _executor = executor;

    public static ModelOnFeatures Load(string path, int featureCount)
    {
        Plan plan = PlanFile.Load(path);
        if (plan.Inputs.Length != 1)
            throw new CliUsageException($"{path}: the plan has {plan.Inputs.Length} inputs; replay feeds one feature vector, so the model needs exactly one float input");
        PlanTensor input = plan.Input(0);
        long elements = input.Dims.Aggregate(1L, (a, d) => a * d);
        if (input.Type != ElementType.Float32 || elements != featureCount)
            throw new CliUsageException($"{path}: input '{input.Name}' is {input.Type.OnnxName()}[{string.Join("x", input.Dims)}] ({elements} elements), but the front end produces {featureCount} float features per window; export the model with that input, or change --window/--hop or the recording's channels");
        for (int o = 0; o < plan.Outputs.Length; o++)
        {
            PlanTensor output = plan.Output(o);
            if (output.Type is not (ElementType.Float32 or ElementType.Int64 or ElementType.Int32))
                throw new CliUsageException($"{path}: output '{output.Name}' is {output.Type.OnnxName()}; replay prints float, int32 and int64 outputs");
        }

        return new ModelOnFeatures(new PlanExecutor(plan));
    }

    public SortedDictionary<string, float[]> Run(ReadOnlySpan<float> features)
    {
        features.CopyTo(_executor.Input<float>(0));
        _executor.Run();
        var outputs = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        for (int o = 0; o < _executor.OutputCount; o++)
        {
            PlanTensor tensor = _executor.Plan.Output(o);
            outputs[tensor.Name] = tensor.Type switch
            {
                ElementType.Float32 => _executor.Output<float>(o).ToArray(),
                ElementType.Int64 => [.. _executor.Output<long>(o).ToArray().Select(v => (float)v)],
                _ => [.. _executor.Output<int>(o).ToArray().Select(v => (float)v)],
            };
        }

        return outputs;
    }
}
