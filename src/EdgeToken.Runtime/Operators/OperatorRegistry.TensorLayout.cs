using EdgeToken.Runtime.Kernels.Layout;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterTensorLayout(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new ReshapeOperator());
        ops.Add(new FlattenOperator());
        ops.Add(new SqueezeOperator());
        ops.Add(new UnsqueezeOperator());
        ops.Add(new IdentityOperator());
        ops.Add(new DropoutOperator());
        ops.Add(new TransposeOperator());
        ops.Add(new ConcatOperator());
        ops.Add(new SliceOperator());
        ops.Add(new GatherOperator());
        ops.Add(new PadOperator());
        ops.Add(new ConstantOperator());
        ops.Add(new ShapeOperator());
        ops.Add(new SplitOperator());
        ops.Add(new ExpandOperator());
        ops.Add(new TileOperator());
        ops.Add(new WhereOperator());
    }
}
