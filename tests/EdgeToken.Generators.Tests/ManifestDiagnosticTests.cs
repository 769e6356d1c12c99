using EdgeToken.Compiler.Manifests;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Generators.Tests;

/// <summary>One test per diagnostic id the build step reports: the id, and the line and column it points at.</summary>
public sealed class ManifestDiagnosticTests
{
    private static ManifestDiagnostic Single(string manifest, OnnxModelBuilder? model = null)
    {
        string path = TestPipelines.WriteProject(model ?? TestPipelines.TwoClassModel(), manifest);
        var result = ManifestCompiler.Compile(path);
        Assert.False(result.Succeeded);
        Assert.Single(result.Diagnostics);
        Assert.Equal(path, result.Diagnostics[0].Path);
        return result.Diagnostics[0];
    }

    private static string Valid(Func<string, string>? edit = null) => (edit ?? (s => s))(TestPipelines.TwoClassManifest);

    private static (int, int) At(ManifestDiagnostic d) => (d.Line, d.Column);

    [Fact]
    public void ET0001_invalid_json_points_at_the_broken_token()
    {
        var d = Single("{\n  \"name\": \"X\",\n  \"model\" \"m.onnx\"\n}");
        Assert.Equal("ET0001", d.Id);
        Assert.Equal((3, 11), At(d));
        Assert.Matches(@"\(3,11\): error ET0001: invalid JSON", d.ToMsBuildFormat());
    }

    [Fact]
    public void ET0002_unknown_field_suggests_the_near_name()
    {
        var d = Single(Valid(s => s.Replace("\"offset\"", "\"ofset\"")));
        Assert.Equal("ET0002", d.Id);
        Assert.Equal((6, 89), At(d));
        Assert.Contains("did you mean 'offset'", d.Message);
    }

    [Fact]
    public void ET0003_wrong_type_points_at_the_value()
    {
        var d = Single(Valid(s => s.Replace("\"window\": 64", "\"window\": \"64\"")));
        Assert.Equal("ET0003", d.Id);
        Assert.Equal((6, 60), At(d));
        Assert.Contains("'input.window' should be a whole number but is a string", d.Message);
    }

    [Fact]
    public void ET0004_missing_field_names_it_with_an_example()
    {
        var d = Single(Valid(s => s.Replace("\"namespace\": \"Acme.Rail\",", "")));
        Assert.Equal("ET0004", d.Id);
        Assert.Equal((1, 1), At(d));
        Assert.Contains("missing required field 'namespace'", d.Message);
    }

    [Fact]
    public void ET0005_missing_model_says_where_it_looked()
    {
        var d = Single(Valid(s => s.Replace("\"model.onnx\"", "\"models/absent.onnx\"")));
        Assert.Equal("ET0005", d.Id);
        Assert.Equal((5, 3), At(d));
        Assert.Contains("models/absent.onnx", d.Message);
    }

    [Fact]
    public void ET0006_unreadable_model()
    {
        string path = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), Valid());
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "model.onnx"), "not a model");
        var result = ManifestCompiler.Compile(path);
        Assert.Equal("ET0006", Assert.Single(result.Diagnostics).Id);
    }

    [Fact]
    public void ET0007_window_disagrees_with_the_model_input()
    {
        var d = Single(Valid(s => s.Replace("\"window\": 64", "\"window\": 32")));
        Assert.Equal("ET0007", d.Id);
        Assert.Equal((6, 3), At(d));
        Assert.Contains("expects a model input [..., 32, 2], but 'x' is", d.Message);
    }

    [Fact]
    public void ET0008_unbound_dynamic_dimension_names_the_binding()
    {
        var b = new OnnxModelBuilder("dyn", opset: 17);
        b.DynamicInput("x", ElementType.Float32, "batch", -1, 64, 2);
        b.Node("Relu", ["x"], ["y"]);
        b.Output("y", ElementType.Float32, null);
        var d = Single(Valid(s => s.Replace("\"kind\": \"classes\", \"labels\": [\"normal\", \"inner-race\"], \"threshold\": 0.5, \"debounce\": 2", "\"kind\": \"regression\"")), b);
        Assert.Equal("ET0008", d.Id);
        Assert.Contains("\"dimensions\": { \"batch\": 1 }", d.Message);
    }

    [Fact]
    public void ET0009_unsupported_operator_names_the_node_and_suggests_onnxruntime()
    {
        var b = new OnnxModelBuilder("unsupported", opset: 17);
        b.Input("x", ElementType.Float32, 1, 64, 2);
        b.Node("NonMaxSuppression", ["x", "x"], ["y"]);
        b.Output("y", ElementType.Int64, null);
        var d = Single(Valid(), b);
        Assert.Equal("ET0009", d.Id);
        Assert.Contains("NonMaxSuppression", d.Message);
        Assert.Contains("onnxruntime", d.Message);
    }

    [Fact]
    public void ET0010_label_count_disagrees_with_the_scores()
    {
        var d = Single(Valid(s => s.Replace("[\"normal\", \"inner-race\"]", "[\"normal\", \"inner-race\", \"outer-race\"]")));
        Assert.Equal("ET0010", d.Id);
        Assert.Equal((8, 3), At(d));
        Assert.Contains("3 classes", d.Message);
    }

    [Fact]
    public void ET0013_model_that_does_not_compile()
    {
        var b = new OnnxModelBuilder("bad", opset: 17);
        b.Input("x", ElementType.Float32, 1, 64, 2);
        var w = b.Initializer("w", new float[3], 3);
        b.Node("Add", ["x", w], ["y"]);
        b.Output("y", ElementType.Float32, null);
        var d = Single(Valid(s => s.Replace("\"kind\": \"classes\", \"labels\": [\"normal\", \"inner-race\"], \"threshold\": 0.5, \"debounce\": 2", "\"kind\": \"regression\"")), b);
        Assert.Equal("ET0013", d.Id);
    }

    [Fact]
    public void ET0014_unknown_execution_provider()
    {
        var d = Single(Valid(s => s.Replace("\"output\":", "\"backend\": { \"kind\": \"onnxruntime\", \"executionProviders\": [\"tpu\", \"cpu\"] },\n  \"output\":")));
        Assert.Equal("ET0014", d.Id);
        Assert.Equal((8, 62), At(d)); // the "tpu" string itself
        Assert.Contains("\"tpu\"", d.Message);
        Assert.Contains("\"xnnpack\"", d.Message);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        string path = TestPipelines.WriteProject(TestPipelines.TwoClassModel(), Valid(s => s.Replace("\"hop\": 16", "\"hopp\": 16").Replace("\"debounce\": 2", "\"debounce\": 0")));
        var ids = ManifestCompiler.Compile(path).Diagnostics.Select(d => d.Id).Order().ToArray();
        Assert.Equal(["ET0002", "ET0003"], ids);
    }
}
