using System.Text;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Tests.Conformance;

/// <summary>One ONNX backend node test (model.onnx + test_data_set_0) read with a minimal protobuf walker, so
/// kernels can be checked against the official expectations before the compiler's ONNX reader exists.
/// It reads only what single-node test models use.</summary>
internal sealed class OnnxNodeTestCase
{
    public static string Root => Environment.GetEnvironmentVariable("EDGETOKEN_ONNX_NODE_TESTS") ?? "/work/shared/onnx-node-tests";

    public required string OpType { get; init; }
    public required int Opset { get; init; }
    public required NodeAttributes Attributes { get; init; }
    public required ConstantTensor?[] Inputs { get; init; }
    public required ConstantTensor[] ExpectedOutputs { get; init; }
    /// <summary>For each node output, its position among the graph outputs, or -1 when it is unused.</summary>
    public required int[] OutputMap { get; init; }

    public static OnnxNodeTestCase Load(string name)
    {
        string dir = Path.Combine(Root, name);
        Assert.True(Directory.Exists(dir), $"conformance test folder {dir} is missing (set EDGETOKEN_ONNX_NODE_TESTS)");
        var model = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
        int opset = 0;
        byte[] graph = [];
        foreach (var f in Fields(model))
        {
            if (f.Number == 7) graph = f.Bytes;
            if (f.Number == 8) foreach (var o in Fields(f.Bytes)) if (o.Number == 2) opset = (int)o.Varint;
        }
        byte[] node = [];
        var graphInputs = new List<string>();
        var graphOutputs = new List<string>();
        foreach (var f in Fields(graph))
        {
            if (f.Number == 1) node = f.Bytes;
            if (f.Number == 11) graphInputs.Add(NameOf(f.Bytes));
            if (f.Number == 12) graphOutputs.Add(NameOf(f.Bytes));
        }
        string op = "";
        var nodeInputs = new List<string>();
        var nodeOutputs = new List<string>();
        var attrs = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var f in Fields(node))
        {
            if (f.Number == 1) nodeInputs.Add(Encoding.UTF8.GetString(f.Bytes));
            if (f.Number == 2) nodeOutputs.Add(Encoding.UTF8.GetString(f.Bytes));
            if (f.Number == 4) op = Encoding.UTF8.GetString(f.Bytes);
            if (f.Number == 5) { var (n, v) = ReadAttribute(f.Bytes); attrs[n] = v; }
        }
        var data = Path.Combine(dir, "test_data_set_0");
        var inputs = new ConstantTensor?[nodeInputs.Count];
        for (int i = 0; i < nodeInputs.Count; i++)
        {
            int g = graphInputs.IndexOf(nodeInputs[i]);
            if (nodeInputs[i].Length > 0 && g >= 0) inputs[i] = ReadTensor(File.ReadAllBytes(Path.Combine(data, $"input_{g}.pb")));
        }
        var expected = new ConstantTensor[graphOutputs.Count];
        for (int i = 0; i < expected.Length; i++) expected[i] = ReadTensor(File.ReadAllBytes(Path.Combine(data, $"output_{i}.pb")));
        var map = new int[nodeOutputs.Count];
        for (int i = 0; i < map.Length; i++) map[i] = nodeOutputs[i].Length == 0 ? -1 : graphOutputs.IndexOf(nodeOutputs[i]);
        return new OnnxNodeTestCase { OpType = op, Opset = opset, Attributes = new NodeAttributes(attrs), Inputs = inputs, ExpectedOutputs = expected, OutputMap = map };
    }

    private static string NameOf(byte[] valueInfo)
    {
        foreach (var f in Fields(valueInfo)) if (f.Number == 1) return Encoding.UTF8.GetString(f.Bytes);
        return "";
    }

    private static (string, AttributeValue) ReadAttribute(byte[] bytes)
    {
        string name = "";
        int type = 0;
        float fv = 0; long iv = 0; string sv = "";
        var floats = new List<float>();
        var ints = new List<long>();
        foreach (var f in Fields(bytes))
        {
            switch (f.Number)
            {
                case 1: name = Encoding.UTF8.GetString(f.Bytes); break;
                case 2: fv = BitConverter.Int32BitsToSingle((int)f.Varint); break;
                case 3: iv = (long)f.Varint; break;
                case 4: sv = Encoding.UTF8.GetString(f.Bytes); break;
                case 7: if (f.Wire == 2) for (int i = 0; i < f.Bytes.Length; i += 4) floats.Add(BitConverter.ToSingle(f.Bytes, i)); else floats.Add(BitConverter.Int32BitsToSingle((int)f.Varint)); break;
                case 8: if (f.Wire == 2) ints.AddRange(Varints(f.Bytes)); else ints.Add((long)f.Varint); break;
                case 20: type = (int)f.Varint; break;
            }
        }
        return (name, type switch
        {
            1 => AttributeValue.Of(fv),
            2 => AttributeValue.Of(iv),
            3 => AttributeValue.Of(sv),
            6 => AttributeValue.Of(floats.ToArray()),
            7 => AttributeValue.Of(ints.ToArray()),
            _ => throw new NotSupportedException($"attribute {name} of type {type}"),
        });
    }

    private static ConstantTensor ReadTensor(byte[] bytes)
    {
        var dims = new List<int>();
        int type = 0;
        byte[]? raw = null;
        var floats = new List<float>();
        var longs = new List<long>();
        foreach (var f in Fields(bytes))
        {
            switch (f.Number)
            {
                case 1: if (f.Wire == 2) foreach (var d in Varints(f.Bytes)) dims.Add((int)d); else dims.Add((int)f.Varint); break;
                case 2: type = (int)f.Varint; break;
                case 4: if (f.Wire == 2) for (int i = 0; i < f.Bytes.Length; i += 4) floats.Add(BitConverter.ToSingle(f.Bytes, i)); else floats.Add(BitConverter.Int32BitsToSingle((int)f.Varint)); break;
                case 5: case 7: if (f.Wire == 2) longs.AddRange(Varints(f.Bytes)); else longs.Add((long)f.Varint); break;
                case 9: raw = f.Bytes; break;
            }
        }
        var et = (ElementType)type;
        if (raw is null)
        {
            int size = et.SizeOf();
            raw = new byte[floats.Count * 4 + longs.Count * size];
            if (floats.Count > 0) Buffer.BlockCopy(floats.ToArray(), 0, raw, 0, floats.Count * 4);
            for (int i = 0; i < longs.Count; i++)
                BitConverter.GetBytes(longs[i]).AsSpan(0, size).CopyTo(raw.AsSpan(i * size));
        }
        return new ConstantTensor(et, dims.ToArray(), raw);
    }

    private readonly record struct Field(int Number, int Wire, ulong Varint, byte[] Bytes);

    private static List<Field> Fields(byte[] buffer)
    {
        var list = new List<Field>();
        int pos = 0;
        while (pos < buffer.Length)
        {
            ulong key = ReadVarint(buffer, ref pos);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: list.Add(new Field(number, wire, ReadVarint(buffer, ref pos), [])); break;
                case 1: list.Add(new Field(number, wire, BitConverter.ToUInt64(buffer, pos), [])); pos += 8; break;
                case 5: list.Add(new Field(number, wire, BitConverter.ToUInt32(buffer, pos), [])); pos += 4; break;
                case 2:
                    int len = (int)ReadVarint(buffer, ref pos);
                    list.Add(new Field(number, wire, 0, buffer.AsSpan(pos, len).ToArray()));
                    pos += len;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return list;
    }

    private static IEnumerable<long> Varints(byte[] bytes)
    {
        int pos = 0;
        var result = new List<long>();
        while (pos < bytes.Length) result.Add((long)ReadVarint(bytes, ref pos));
        return result;
    }

    private static ulong ReadVarint(byte[] b, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[pos++];
            result |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80) return result;
        }
    }
}
