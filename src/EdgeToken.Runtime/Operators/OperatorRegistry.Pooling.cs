using EdgeToken.Runtime.Kernels.Pooling;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterPooling(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new MaxPoolOperator());
        ops.Add(new AveragePoolOperator());
        ops.Add(new GlobalPoolOperator("GlobalAveragePool", max: false));
        ops.Add(new GlobalPoolOperator("GlobalMaxPool", max: true));
    }
}
