using EdgeToken.Runtime.Kernels.Reduction;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterReduction(Dictionary<string, OperatorDefinition> ops)
    {
        foreach (var kind in Enum.GetValues<ReduceKind>())
            ops.Add(new ReduceOperator(kind));
    }
}
