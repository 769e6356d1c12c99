using EdgeToken.Runtime.Kernels.Int8;
using EdgeToken.Runtime.Kernels.Recurrent;
using EdgeToken.Runtime.Kernels.Sparse;

namespace EdgeToken.Runtime.Operators;

public static partial class OperatorRegistry
{
    /// <summary>EdgeToken's own integer operators, which only the quantizer writes (never in an imported model).</summary>
    static partial void RegisterInt8(Dictionary<string, OperatorDefinition> ops)
    {
        ops.Add(new QGemmOperator());
        ops.Add(new QConvOperator());
        ops.Add(new QGlobalAveragePoolOperator());
        ops.Add(new QLookupOperator());
        ops.Add(new QGruOperator());
        ops.Add(new QBinaryOperator(QMerge.AddOpType));
        ops.Add(new QBinaryOperator(QMerge.MulOpType));
        ops.Add(new QConcatOperator());
        // The sparse N:M layers the compiler's sparse rewrite writes after pruning.
        ops.Add(new SparseGemmOperator());
        ops.Add(new QSparseGemmOperator());
        ops.Add(new SparseConvOperator());
        ops.Add(new QSparseConvOperator());
    }
}
