namespace EdgeToken.Runtime.Kernels.Reduction;

/// <summary>Which ONNX Reduce* operator a reduction kernel computes.</summary>
public enum ReduceKind : byte
{
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    SumSquare,
    L1,
    L2,
    LogSum,
    LogSumExp,
}

/// <summary>Facts about reduction kinds shared by the float and generic kernels.</summary>
public static class ReduceKinds
{
    /// <summary>The ONNX op type, e.g. "ReduceSumSquare".</summary>
    public static string OpType(this ReduceKind kind) => "Reduce" + kind switch
    {
        ReduceKind.SumSquare => "SumSquare",
        ReduceKind.LogSumExp => "LogSumExp",
        _ => kind.ToString(),
    };

    /// <summary>True for kinds whose result is only defined for floating-point values (a log or a root).</summary>
    public static bool NeedsFloatingPoint(this ReduceKind kind) =>
        kind is ReduceKind.L2 or ReduceKind.LogSum or ReduceKind.LogSumExp;
}
