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
        ops.Add(new SqrtOperator());
        ops.Add(new ExpOperator());
        ops.Add(new LogOperator());
        ops.Add(new AbsOperator());
        ops.Add(new NegOperator());
        ops.Add(new ErfOperator());
        ops.Add(new CastOperator());
        foreach (var op in new[] { "Max", "Min", "Sum", "Mean" }) ops.Add(new VariadicOperator(op));
    }
}
