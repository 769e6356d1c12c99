using static EdgeToken.Runtime.Tests.Kernels.NodeHarness;

namespace EdgeToken.Runtime.Tests.Kernels;

public class KernelAllocationTests
{
    [Fact]
    public void Conv_Gemm_MatMul_ConvTranspose_and_pools_run_without_allocating()
    {
        var relu = ("edgetoken.activation", (object)"Relu");
        var harnesses = new List<NodeHarness>();
        foreach (bool constant in new[] { true, false })
        {
            harnesses.Add(new NodeHarness("Conv", Attrs(("pads", new[] { 1, 1, 1, 1 }), relu),
                [F([1, 3, 9, 9], KernelAssert.Random(243, 1)), F([4, 3, 3, 3], KernelAssert.Random(108, 2)), F([4], KernelAssert.Random(4, 3))], constant));
            harnesses.Add(new NodeHarness("Conv", Attrs(("group", 3), ("pads", new[] { 1, 1, 1, 1 })),
                [F([1, 3, 9, 9], KernelAssert.Random(243, 1)), F([3, 1, 3, 3], KernelAssert.Random(27, 2))], constant));
            harnesses.Add(new NodeHarness("Gemm", Attrs(("transB", 1), relu),
                [F([1, 64], KernelAssert.Random(64, 4)), F([10, 64], KernelAssert.Random(640, 5)), F([10], KernelAssert.Random(10, 6))], constant));
            harnesses.Add(new NodeHarness("MatMul", Attrs(),
                [F([2, 3, 8], KernelAssert.Random(48, 7)), F([2, 8, 5], KernelAssert.Random(80, 8))], constant));
            harnesses.Add(new NodeHarness("ConvTranspose", Attrs(("strides", new[] { 2, 2 })),
                [F([1, 2, 4, 4], KernelAssert.Random(32, 9)), F([2, 3, 3, 3], KernelAssert.Random(54, 10))], constant));
        }
        harnesses.Add(new NodeHarness("MaxPool", Attrs(("kernel_shape", new[] { 3, 3 }), ("pads", new[] { 1, 1, 1, 1 })),
            [F([1, 2, 6, 6], KernelAssert.Random(72, 11))], false, outputCount: 2));
        harnesses.Add(new NodeHarness("AveragePool", Attrs(("kernel_shape", new[] { 2, 2 }), ("ceil_mode", 1), ("strides", new[] { 2, 2 })),
            [F([1, 2, 5, 5], KernelAssert.Random(50, 12))], false));
        harnesses.Add(new NodeHarness("GlobalAveragePool", Attrs(), [F([1, 2, 5, 5], KernelAssert.Random(50, 13))], false));

        foreach (var h in harnesses) h.Run(); // warm up: JIT, static initialisation
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            foreach (var h in harnesses) h.Run();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }
}
