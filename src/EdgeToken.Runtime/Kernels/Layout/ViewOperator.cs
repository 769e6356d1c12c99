using EdgeToken.Runtime.Operators;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>An operator whose output is its input's bytes under another shape (Reshape, Flatten, Squeeze,
/// Unsqueeze, Identity). The planner normally gives input and output one buffer, so the kernel has nothing to do.</summary>
internal abstract class ViewOperator : OperatorDefinition
{
    public override bool IsView(NodeContext node) => true;

    public override Kernel CreateKernel(NodeContext node) => ViewKernel.Instance;
}

/// <summary>Copies input 0 to output 0 unless the planner already made them the same memory.</summary>
internal sealed class ViewKernel : Kernel
{
    public static readonly ViewKernel Instance = new();

    public override void Run(in KernelArgs args)
    {
        if (args.SharesBuffer(0, 0)) return;
        args.InputBytes(0).CopyTo(args.OutputBytes(0));
    }
}
