using EdgeToken.Runtime.Kernels.Normalization;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterNormalization(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new BatchNormalizationOperator());
        ops.Add(new LayerNormalizationOperator());
        ops.Add(new InstanceNormalizationOperator());
    }
}
