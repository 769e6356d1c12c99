using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Dropout at inference: the output is the input and the optional mask is all true (all ones before
/// opset 10, when the mask had the data's type). Training mode with a ratio above 0 draws random numbers, which a
/// deterministic plan cannot reproduce, so it is unsupported; training mode with ratio 0 is the identity.</summary>
internal sealed class DropoutOperator : OperatorDefinition
{
    public override string OpType => "Dropout";

    public override bool IsView(NodeContext node) => true;

    public override void InferOutputs(NodeContext node)
    {
        ElementBytes.Require(node, 0);
        var input = node.Input(0);
        if (IsTraining(node))
        {
            double ratio = Ratio(node);
            if (ratio > 0)
                throw new UnsupportedOperatorException($"Dropout '{node.NodeName}': training-mode Dropout is random (ratio {ratio}); EdgeToken runs inference only");
        }
        node.SetOutput(0, input.Type, input.Dims);
        node.SetOutput(1, MaskType(node), input.Dims);
    }

    public override Kernel CreateKernel(NodeContext node) =>
        new DropoutKernel(node.Opset >= 10 ? [1] : ElementBytes.One(node.Input(0).Type));

    private static ElementType MaskType(NodeContext node) => node.Opset >= 10 ? ElementType.Bool : node.Input(0).Type;

    private static bool IsTraining(NodeContext node)
    {
        if (node.Opset < 7) return node.Attributes.GetInt("is_test", 0) == 0;
        if (node.Opset < 12 || !node.HasInput(2)) return false;
        return node.RequireConstant(2, "training_mode").ElementAsDouble(0) != 0;
    }

    private static double Ratio(NodeContext node)
    {
        if (node.Opset < 12) return node.Attributes.GetFloat("ratio", 0.5f);
        return node.HasInput(1) ? node.RequireConstant(1, "ratio").ElementAsDouble(0) : 0.5;
    }

    private sealed class DropoutKernel(byte[] one) : Kernel
    {
        public override void Run(in KernelArgs args)
        {
            if (!args.SharesBuffer(0, 0)) args.InputBytes(0).CopyTo(args.OutputBytes(0));
            if (!args.HasOutput(1)) return;
            var mask = args.OutputBytes(1);
            if (one.Length == 1) mask.Fill(one[0]);
            else for (int i = 0; i < mask.Length; i += one.Length) one.CopyTo(mask.Slice(i));
        }
    }
}
