using EdgeToken.Runtime.Kernels.Quantization;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterQuantization(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new QuantizeLinearOperator());
        ops.Add(new DequantizeLinearOperator());
        ops.Add(new DynamicQuantizeLinearOperator());
        ops.Add(new MatMulIntegerOperator());
        ops.Add(new QLinearMatMulOperator());
        ops.Add(new ConvIntegerOperator());
        ops.Add(new QLinearConvOperator());
    }
}
