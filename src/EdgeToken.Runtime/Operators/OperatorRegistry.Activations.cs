using EdgeToken.Runtime.Kernels.Activations;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterActivations(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new ReluOperator());
        ops.Add(new LeakyReluOperator());
        ops.Add(new PReluOperator());
        ops.Add(new SigmoidOperator());
        ops.Add(new HardSigmoidOperator());
        ops.Add(new HardSwishOperator());
        ops.Add(new TanhOperator());
        ops.Add(new GeluOperator());
        ops.Add(new EluOperator());
        ops.Add(new SeluOperator());
        ops.Add(new ClipOperator());
        ops.Add(new SoftmaxOperator());
        ops.Add(new LogSoftmaxOperator());
    }
}
