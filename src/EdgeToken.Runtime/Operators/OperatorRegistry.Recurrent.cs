using EdgeToken.Runtime.Kernels.Recurrent;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterRecurrent(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new RnnOperator());
        ops.Add(new GruOperator());
        ops.Add(new LstmOperator());
    }
}
