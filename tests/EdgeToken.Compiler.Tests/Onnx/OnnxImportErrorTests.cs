using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Onnx;

public class OnnxImportErrorTests
{
    private static OnnxModelBuilder ReluModel(int opset = 17)
    {
        var b = new OnnxModelBuilder("relu", opset);
        b.Input("x", ElementType.Float32, 1, 4);
        b.Node("Relu", ["x"], ["y"]);
        b.Output("y", ElementType.Float32, 1, 4);
        return b;
    }

    private static ModelLoadException Fails(string path)
    {
        var e = Assert.Throws<ModelLoadException>(() => OnnxImporter.Load(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = Path.Combine(TestModels.TempDir(), "absent.onnx");
        Assert.Contains("does not exist", Fails(path).Problem);
    }

    [Fact]
    public void Empty_file_is_reported_as_empty()
    {
        string path = Path.Combine(TestModels.TempDir(), "empty.onnx");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty", Fails(path).Problem);
    }

    [Fact]
    public void Truncated_model_is_reported()
    {
        var b = new OnnxModelBuilder("weights", 17);
        b.Input("x", ElementType.Float32, 1, 64);
        b.Initializer("w", TestModels.Random(64 * 64, 1), 64, 64);
        b.Node("MatMul", ["x", "w"], ["y"]);
        b.Output("y", ElementType.Float32, 1, 64);
        var bytes = b.ToBytes();
        string path = Path.Combine(TestModels.TempDir(), "truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated", Fails(path).Problem);
    }

    [Fact]
    public void Text_file_is_not_an_onnx_model()
    {
        string path = Path.Combine(TestModels.TempDir(), "notes.onnx");
        File.WriteAllText(path, "this is a text file, not a model\n");
        Assert.Contains("not an ONNX model", Fails(path).Problem);
    }

    [Fact]
    public void Unknown_opset_is_reported_with_its_number()
    {
        string path = TestModels.Save(ReluModel(opset: 99));
        Assert.Contains("opset 99", Fails(path).Problem);
    }

    [Fact]
    public void Custom_domain_node_is_reported_with_the_domain_and_node()
    {
        var b = ReluModel();
        b.Model.Graph.Node[0].Domain = "com.example";
        string path = TestModels.Save(b);
        var problem = Fails(path).Problem;
        Assert.Contains("com.example", problem);
        Assert.Contains(b.Model.Graph.Node[0].Name, problem);
    }

    [Fact]
    public void Missing_external_data_file_is_reported()
    {
        var b = new OnnxModelBuilder("external", 17);
        b.Input("x", ElementType.Float32, 1, 4);
        b.Initializer("w", TestModels.Random(16, 2), 4, 4);
        var w = b.Model.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = EdgeToken.Compiler.Onnx.Proto.TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new EdgeToken.Compiler.Onnx.Proto.StringStringEntryProto { Key = "location", Value = "weights.bin" });
        b.Node("MatMul", ["x", "w"], ["y"]);
        b.Output("y", ElementType.Float32, 1, 4);
        string path = TestModels.Save(b);
        Assert.Contains("weights.bin", Fails(path).Problem);
    }

    [Fact]
    public void Cli_exits_with_code_2_and_one_line_for_bad_models()
    {
        string dir = TestModels.TempDir();
        string empty = Path.Combine(dir, "empty.onnx");
        File.WriteAllBytes(empty, []);
        foreach (var path in new[] { Path.Combine(dir, "absent.onnx"), empty })
        {
            var (code, stdout, stderr) = Cli.CliProcess.Run("inspect", path);
            Assert.Equal(2, code);
            Assert.Contains(path, stderr);
            Assert.DoesNotContain("   at ", stderr); // no stack trace
            Assert.Equal("", stdout.Trim());
        }
    }
}
