using EdgeToken.Runtime.Kernels.Int8;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    /// <summary>EdgeToken's own integer operators, which only the quantizer writes (never in an imported model).</summary>
    static partial void RegisterInt8(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new QGemmOperator());
    }
}
