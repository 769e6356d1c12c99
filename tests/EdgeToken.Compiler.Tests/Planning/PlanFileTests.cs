using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Plans;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Planning;

public class PlanFileTests
{
    private static Plan ReluPlan()
    {
        var b = new OnnxModelBuilder("relu", 17);
        b.Input("x", ElementType.Float32, 2, 8);
        b.Initializer("bias", TestModels.Random(16, 9), 2, 8);
        b.Node("Relu", ["x"], ["h"]);
        b.Node("Relu", ["h"], ["y"]);
        b.Output("y", ElementType.Float32, 2, 8);
        return ModelCompiler.CompileFile(TestModels.Save(b)).Plan;
    }

    [Fact]
    public void Plan_survives_a_round_trip_and_runs_the_same()
    {
        var plan = ReluPlan();
        var copy = PlanFile.Read(PlanFile.Write(plan));
        Assert.Equal(plan.ArenaBytes, copy.ArenaBytes);
        Assert.Equal(plan.Steps.Select(s => s.OpType), copy.Steps.Select(s => s.OpType));
        Assert.Equal(plan.Tensors.Select(t => (t.Name, t.Offset, t.Kind)), copy.Tensors.Select(t => (t.Name, t.Offset, t.Kind)));

        var x = TestModels.Random(16, 4);
        var a = new PlanExecutor(plan);
        var b = new PlanExecutor(copy);
        x.CopyTo(a.Input<float>(0));
        x.CopyTo(b.Input<float>(0));
        a.Run();
        b.Run();
        Assert.Equal(a.Output<float>(0).ToArray(), b.Output<float>(0).ToArray());
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), b.Output<float>(0).ToArray());
    }

    [Fact]
    public void A_flipped_byte_is_caught_by_the_checksum()
    {
        var bytes = PlanFile.Write(ReluPlan());
        bytes[bytes.Length / 2] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<PlanFormatException>(() => PlanFile.Read(bytes)).Message);
    }

    [Fact]
    public void Truncated_and_foreign_files_are_rejected_with_a_reason()
    {
        var bytes = PlanFile.Write(ReluPlan());
        Assert.Contains("truncated", Assert.Throws<PlanFormatException>(() => PlanFile.Read(bytes[..^10])).Message);
        Assert.Contains("magic", Assert.Throws<PlanFormatException>(() => PlanFile.Read(new byte[200])).Message);
        var future = (byte[])bytes.Clone();
        future[8] = 99;
        Assert.Contains("version 99", Assert.Throws<PlanFormatException>(() => PlanFile.Read(future)).Message);
    }

    [Fact]
    public void Weights_are_views_of_the_file_not_copies()
    {
        var bytes = PlanFile.Write(ReluPlan());
        var plan = PlanFile.Read(bytes);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(plan.Weights, out var segment));
        Assert.Same(bytes, segment.Array);
    }
}
