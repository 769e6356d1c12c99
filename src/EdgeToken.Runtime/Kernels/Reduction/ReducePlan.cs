using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Kernels.Reduction;

/// <summary>How a reduction walks its input, worked out once from the static shape and the axes.</summary>
/// <remarks>Dimensions of size 1 are dropped and neighbours with the same role (kept or reduced) are merged,
/// so most reductions become one reduced group between two kept ones: <c>[Outer, Reduced, Inner]</c>, which
/// the float kernel walks with contiguous vector loops. Anything else (e.g. axes 0 and 2 of a rank-3
/// tensor) goes through the offset tables, which hold the input offset of every output element and of
/// every reduced element relative to it.</remarks>
public sealed class ReducePlan
{
    private ReducePlan(int[] outputDims, int outer, int reduced, int inner, bool singleGroup, int[] baseOffsets, int[] reducedOffsets)
    {
        OutputDims = outputDims;
        Outer = outer;
        Reduced = reduced;
        Inner = inner;
        IsSingleGroup = singleGroup;
        BaseOffsets = baseOffsets;
        ReducedOffsets = reducedOffsets;
    }

    public int[] OutputDims { get; }
    public int Outer { get; }
    /// <summary>How many input elements each output element reduces (0 for an empty set).</summary>
    public int Reduced { get; }
    public int Inner { get; }
    /// <summary>True when the input is <c>[Outer, Reduced, Inner]</c> in row-major order.</summary>
    public bool IsSingleGroup { get; }
    /// <summary>Input offset of the first reduced element of each output element.</summary>
    public int[] BaseOffsets { get; }
    /// <summary>Offsets of the reduced elements relative to a base offset.</summary>
    public int[] ReducedOffsets { get; }

    public int OutputCount => BaseOffsets.Length;

    /// <summary>Plans a reduction of a tensor of shape <paramref name="dims"/> over <paramref name="axes"/>
    /// (possibly negative). Null or empty axes mean all axes, unless <paramref name="noopWithEmptyAxes"/>, in
    /// which case none are; <paramref name="keepDims"/> leaves reduced axes as size 1.</summary>
    public static ReducePlan Create(int[] dims, long[]? axes, bool keepDims, bool noopWithEmptyAxes)
    {
        int rank = dims.Length;
        var reduce = new bool[rank];
        if (axes is null || axes.Length == 0)
        {
            if (!noopWithEmptyAxes) Array.Fill(reduce, true);
        }
        else
        {
            foreach (long a in axes)
            {
                int axis = Shape.NormalizeAxis(a, rank);
                if (reduce[axis]) throw new ShapeException($"axis {a} is listed twice in axes");
                reduce[axis] = true;
            }
        }

        var outDims = new List<int>(rank);
        for (int d = 0; d < rank; d++)
        {
            if (!reduce[d]) outDims.Add(dims[d]);
            else if (keepDims) outDims.Add(1);
        }

        var strides = Shape.Strides(dims);
        var baseOffsets = Offsets(dims, strides, reduce, wantReduced: false);
        var reducedOffsets = Offsets(dims, strides, reduce, wantReduced: true);

        // Groups of size > 1, neighbours with the same role merged.
        var sizes = new List<long>(rank);
        var roles = new List<bool>(rank);
        for (int d = 0; d < rank; d++)
        {
            if (dims[d] == 1) continue;
            if (roles.Count > 0 && roles[^1] == reduce[d]) sizes[^1] *= dims[d];
            else
            {
                sizes.Add(dims[d]);
                roles.Add(reduce[d]);
            }
        }
        int reducedGroups = 0, firstReduced = -1;
        for (int g = 0; g < roles.Count; g++)
        {
            if (!roles[g]) continue;
            reducedGroups++;
            if (firstReduced < 0) firstReduced = g;
        }
        long outer = 1, inner = 1, r = 1;
        if (reducedGroups == 0)
        {
            // Nothing is reduced (noop, or every reduced axis has size 1): one element per output.
            foreach (long s in sizes) inner *= s;
        }
        else if (reducedGroups == 1)
        {
            for (int g = 0; g < firstReduced; g++) outer *= sizes[g];
            r = sizes[firstReduced];
            for (int g = firstReduced + 1; g < sizes.Count; g++) inner *= sizes[g];
        }
        bool single = reducedGroups <= 1;
        if (!single)
        {
            outer = baseOffsets.Length;
            r = reducedOffsets.Length;
        }
        return new ReducePlan([.. outDims], checked((int)outer), checked((int)r), checked((int)inner), single, baseOffsets, reducedOffsets);
    }

    // Row-major odometer over the dimensions with the requested role, giving the input offset of each index.
    private static int[] Offsets(int[] dims, int[] strides, bool[] reduce, bool wantReduced)
    {
        long count = 1;
        for (int d = 0; d < dims.Length; d++) if (reduce[d] == wantReduced) count *= dims[d];
        var offsets = new int[checked((int)count)];
        if (count == 0) return offsets;
        var index = new int[dims.Length];
        int offset = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = offset;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                if (reduce[d] != wantReduced) continue;
                if (++index[d] < dims[d])
                {
                    offset += strides[d];
                    break;
                }
                offset -= strides[d] * (dims[d] - 1);
                index[d] = 0;
            }
        }
        return offsets;
    }
}
