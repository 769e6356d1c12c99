using EdgeToken.Runtime.Kernels.Linear;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterLinear(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new GemmOperator());
        ops.Add(new MatMulOperator());
    }
}
