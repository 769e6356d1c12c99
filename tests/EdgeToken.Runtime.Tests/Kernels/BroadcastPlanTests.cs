using EdgeToken.Runtime.Kernels.Elementwise;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Kernels;

public class BroadcastPlanTests
{
    [Fact]
    public void Same_shapes_collapse_to_one_run()
    {
        var plan = BroadcastPlan.Create([2, 3, 4], [2, 3, 4], [2, 3, 4]);
        Assert.Equal((1L, 24, InnerRun.BothVectors), (plan.OuterCount, plan.Inner, plan.Run));
    }

    [Fact]
    public void Scalar_operand_is_one_run_with_a_scalar()
    {
        var plan = BroadcastPlan.Create([2, 3, 4], [], [2, 3, 4]);
        Assert.Equal((1L, 24, InnerRun.ScalarB), (plan.OuterCount, plan.Inner, plan.Run));
        plan = BroadcastPlan.Create([1], [2, 3, 4], [2, 3, 4]);
        Assert.Equal((1L, 24, InnerRun.ScalarA), (plan.OuterCount, plan.Inner, plan.Run));
    }

    [Fact]
    public void Repeated_row_runs_once_per_leading_index()
    {
        var plan = BroadcastPlan.Create([2, 3, 4], [1, 4], [2, 3, 4]);
        Assert.Equal((6L, 4, InnerRun.BothVectors), (plan.OuterCount, plan.Inner, plan.Run));
        Assert.Equal([6], plan.OuterDims);
        Assert.Equal([4], plan.OuterStrideA);
        Assert.Equal([0], plan.OuterStrideB);
    }

    [Fact]
    public void Per_channel_operand_runs_over_planes_with_a_scalar()
    {
        var plan = BroadcastPlan.Create([2, 5, 3, 3], [5, 1, 1], [2, 5, 3, 3]);
        Assert.Equal((10L, 9, InnerRun.ScalarB), (plan.OuterCount, plan.Inner, plan.Run));
        Assert.Equal([2, 5], plan.OuterDims);
        Assert.Equal([45, 9], plan.OuterStrideA);
        Assert.Equal([0, 1], plan.OuterStrideB);
    }

    [Fact]
    public void Empty_output_has_no_runs_and_bad_shapes_are_rejected()
    {
        Assert.Equal(0L, BroadcastPlan.Create([0, 3], [3], [0, 3]).OuterCount);
        Assert.Throws<ShapeException>(() => BroadcastPlan.Create([2, 3], [4], [2, 3]));
        Assert.Throws<ShapeException>(() => BroadcastPlan.Create([2, 3], [2, 2, 3], [2, 3]));
    }
}
