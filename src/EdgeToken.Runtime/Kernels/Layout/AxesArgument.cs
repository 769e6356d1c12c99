using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Layout;

/// <summary>Reads an <c>axes</c> list that is an attribute in older opsets and a constant input in newer ones
/// (Squeeze and Unsqueeze from 13, Pad from 18, ...).</summary>
internal static class AxesArgument
{
    /// <summary>The axes, or null when the node gives none.</summary>
    public static long[]? Read(NodeContext node, int inputIndex, int firstOpsetAsInput)
    {
        if (node.Opset < firstOpsetAsInput) return node.Attributes.GetInts("axes");
        return node.HasInput(inputIndex) ? node.RequireConstant(inputIndex, "axes").ToInt64Array() : null;
    }

    /// <summary>Normalises negative axes against <paramref name="rank"/> and rejects out-of-range or repeated ones.</summary>
    public static int[] Normalize(NodeContext node, long[] axes, int rank)
    {
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': axis {axes[i]} is out of range for rank {rank}");
            if (Array.IndexOf(result, (int)a, 0, i) >= 0)
                throw new ShapeException($"{node.OpType} '{node.NodeName}': axis {axes[i]} is repeated");
            result[i] = (int)a;
        }
        return result;
    }
}
