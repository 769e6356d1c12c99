namespace EdgeToken.Runtime.Operators;

/// <summary>One ONNX operator as EdgeToken knows it: how its output shapes follow from its inputs, and how
/// to build the kernel that runs one node of it. One subclass per operator (or per family that shares
/// a shape rule), registered in <see cref="OperatorRegistry"/>.</summary>
public abstract class OperatorDefinition
{
    public abstract string OpType { get; }

    /// <summary>Sets every output's type and shape from the inputs. Throws <see cref="Tensors.ShapeException"/>
    /// for inputs that contradict the operator, <see cref="UnsupportedOperatorException"/> for valid
    /// ONNX that EdgeToken does not run.</summary>
    public abstract void InferOutputs(NodeContext node);

    /// <summary>Builds the kernel for one node. Called after <see cref="InferOutputs"/>; everything that
    /// can be precomputed from shapes and constant inputs is precomputed here, so <see cref="Kernel.Run"/>
    /// allocates nothing.</summary>
    public abstract Kernel CreateKernel(NodeContext node);

    /// <summary>The input whose buffer output 0 may overwrite (an element-wise op whose output has the
    /// input's size), or -1. The planner uses it only when that input dies at this node.</summary>
    public virtual int InPlaceInput(NodeContext node) => -1;

    /// <summary>True when output 0 holds exactly the bytes of input 0 (Reshape, Flatten, Squeeze,
    /// Unsqueeze, Identity, inference Dropout): the planner gives both one buffer and the kernel does nothing
    /// when the two spans are the same memory.</summary>
    public virtual bool IsView(NodeContext node) => false;
}
