using EdgeToken.Runtime.Kernels.Elementwise;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterElementwise(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new AddOperator());
        ops.Add(new SubOperator());
        ops.Add(new MulOperator());
        ops.Add(new DivOperator());
        ops.Add(new PowOperator());
    }
}
