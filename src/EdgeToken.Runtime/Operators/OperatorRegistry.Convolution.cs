using EdgeToken.Runtime.Kernels.Convolution;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterConvolution(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new ConvOperator());
        ops.Add(new ConvTransposeOperator());
    }
}
