using EdgeToken.Runtime.Kernels.Activations;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterActivations(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new ReluOperator());
    }
}
