using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Planning;

public class ShapeBindingTests
{
    private static string DynamicModel()
    {
        var b = new OnnxModelBuilder("dynamic", 17);
        b.DynamicInput("x", ElementType.Float32, "batch", -1, 8);
        b.Node("Relu", ["x"], ["y"]);
        b.Output("y", ElementType.Float32, null);
        return TestModels.Save(b);
    }

    [Fact]
    public void Unbound_dimension_error_names_the_tensor_and_the_dimension()
    {
        var e = Assert.Throws<CompileException>(() => ModelCompiler.CompileFile(DynamicModel()));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("dimension 0", e.Message);
        Assert.Contains("'batch'", e.Message);
    }

    [Fact]
    public void Bound_dimension_gives_static_shapes_and_an_exact_arena()
    {
        var compiled = ModelCompiler.CompileFile(DynamicModel(), new CompileOptions { Bindings = new Dictionary<string, int> { ["batch"] = 3 } });
        Assert.Equal(new[] { 3, 8 }, compiled.Plan.Output(0).Dims);
        // Input and output are pinned (96 bytes each, 64-byte aligned): 128 + 128.
        Assert.Equal(256, compiled.Plan.ArenaBytes);
    }
}
