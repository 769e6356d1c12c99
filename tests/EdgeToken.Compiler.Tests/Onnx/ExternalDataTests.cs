using System.Runtime.InteropServices;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Onnx.Proto;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Compiler.Tests.Onnx;

public class ExternalDataTests
{
    [Fact]
    public void External_tensor_is_read_relative_to_the_model_file_at_its_offset()
    {
        string dir = TestModels.TempDir();
        var weights = TestModels.Random(12, 3);
        // 16 bytes of something else first, so the offset matters.
        var blob = new byte[16].Concat(MemoryMarshal.AsBytes(weights.AsSpan()).ToArray()).ToArray();
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        File.WriteAllBytes(Path.Combine(dir, "data", "w.bin"), blob);

        var b = new OnnxModelBuilder("external", 17);
        b.Input("x", ElementType.Float32, 1, 3);
        b.Initializer("w", new float[12], 3, 4);
        var w = b.Model.Graph.Initializer[0];
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "data/w.bin" });
        w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "16" });
        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "48" });
        b.Node("Identity", ["w"], ["y"]);
        b.Output("y", ElementType.Float32, 3, 4);
        string path = TestModels.Save(b, dir);

        var graph = OnnxImporter.Load(path);
        var value = graph.Outputs[0].Producer!.Inputs[0]!;
        Assert.Equal(weights, value.Constant!.AsSpan<float>().ToArray());
    }

    [Fact]
    public void Typed_fields_and_raw_data_decode_to_the_same_values()
    {
        var values = new[] { 1.5f, -2f, 3.25f };
        var typed = new TensorProto { DataType = 1, Name = "t" };
        typed.Dims.Add(3);
        typed.FloatData.AddRange(values);
        var raw = new TensorProto { DataType = 1, Name = "t", RawData = Google.Protobuf.ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        raw.Dims.Add(3);
        Assert.Equal(values, OnnxTensorReader.Read(typed, null, "m").AsSpan<float>().ToArray());
        Assert.Equal(values, OnnxTensorReader.Read(raw, null, "m").AsSpan<float>().ToArray());

        var int8 = new TensorProto { DataType = (int)ElementType.Int8 };
        int8.Dims.Add(3);
        int8.Int32Data.AddRange([-128, 0, 127]);
        Assert.Equal(new sbyte[] { -128, 0, 127 }, OnnxTensorReader.Read(int8, null, "m").AsSpan<sbyte>().ToArray());
    }

    [Fact]
    public void Raw_data_of_the_wrong_length_names_the_tensor()
    {
        var t = new TensorProto { DataType = 1, Name = "bad_weights", RawData = Google.Protobuf.ByteString.CopyFrom(new byte[7]) };
        t.Dims.Add(2);
        var e = Assert.Throws<ModelLoadException>(() => OnnxTensorReader.Read(t, null, "m.onnx"));
        Assert.Contains("bad_weights", e.Message);
    }
}
