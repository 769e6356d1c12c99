using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Runtime.Plans;

/// <summary>
/// The <c>.etplan</c> binary format. Layout (little-endian):
/// <code>
/// 0   8  magic "ETPLAN\0\0"
/// 8   4  format version (<see cref="Plan.FormatVersion"/>)
/// 12  4  reserved (0)
/// 16  8  total file length in bytes
/// 24 32  SHA-256 of bytes [56, length)
/// 56  .. body: name, metadata, tensors, steps, inputs, outputs, arena and scratch bytes
///     .. padding to a 64-byte boundary, then the weight block (its offset and length end the body)
/// </code>
/// Strings are a 7-bit-encoded length and UTF-8. The weights come last and 64-byte aligned so a reader can
/// hand out views of them without copying.
/// </summary>
public static class PlanFile
{
    private static readonly byte[] Magic = "ETPLAN\0\0"u8.ToArray();
    private const int HeaderBytes = 56;

    public static byte[] Write(Plan plan)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(plan.Name);
            w.Write7BitEncodedInt(plan.Metadata.Count);
            foreach (var kv in plan.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(kv.Key);
                w.Write(kv.Value);
            }
            w.Write7BitEncodedInt(plan.Tensors.Length);
            foreach (var t in plan.Tensors)
            {
                w.Write(t.Name);
                w.Write((byte)t.Type);
                WriteInts(w, t.Dims);
                w.Write((byte)t.Kind);
                w.Write(t.Offset);
                w.Write(t.Length);
            }
            w.Write7BitEncodedInt(plan.Steps.Length);
            foreach (var s in plan.Steps)
            {
                w.Write(s.Name);
                w.Write(s.OpType);
                w.Write7BitEncodedInt(s.Opset);
                WriteAttributes(w, s.Attributes);
                WriteInts(w, s.Inputs);
                WriteInts(w, s.Outputs);
            }
            WriteInts(w, plan.Inputs);
            WriteInts(w, plan.Outputs);
            w.Write(plan.ArenaBytes);
            w.Write(plan.ScratchBytes);
        }

        long weightsOffset = Align64(HeaderBytes + body.Length + 16);
        long total = weightsOffset + plan.Weights.Length;
        var file = new byte[total];
        Magic.CopyTo(file, 0);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), Plan.FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), total);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(file.AsSpan(HeaderBytes));
        int tail = HeaderBytes + (int)body.Length;
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(tail), weightsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(tail + 8), plan.Weights.Length);
        plan.Weights.Span.CopyTo(file.AsSpan((int)weightsOffset));
        SHA256.HashData(file.AsSpan(HeaderBytes), file.AsSpan(24, 32));
        return file;
    }

    public static void Save(Plan plan, string path) => File.WriteAllBytes(path, Write(plan));

    public static Plan Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PlanFormatException($"{path}: cannot read the plan ({e.Message})");
        }
        try { return Read(bytes); }
        catch (PlanFormatException e) { throw new PlanFormatException($"{path}: {e.Message}"); }
    }

    /// <summary>Reads a plan. The weights stay in <paramref name="file"/>: the plan's tensors are views of it.</summary>
    public static Plan Read(byte[] file)
    {
        if (file.Length < HeaderBytes + 16) throw new PlanFormatException($"not an EdgeToken plan: {file.Length} bytes is shorter than the header");
        if (!file.AsSpan(0, 8).SequenceEqual(Magic)) throw new PlanFormatException("not an EdgeToken plan (wrong magic bytes)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        if (version != Plan.FormatVersion)
            throw new PlanFormatException($"plan format version {version} is not supported by this runtime (it reads version {Plan.FormatVersion}); recompile the model");
        long total = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(16));
        if (total != file.Length) throw new PlanFormatException($"truncated or padded plan: header says {total} bytes, file has {file.Length}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(file.AsSpan(HeaderBytes), hash);
        if (!hash.SequenceEqual(file.AsSpan(24, 32))) throw new PlanFormatException("checksum mismatch: the plan is corrupted");

        try
        {
            using var r = new BinaryReader(new MemoryStream(file, HeaderBytes, file.Length - HeaderBytes, writable: false), Encoding.UTF8);
            string name = r.ReadString();
            int metaCount = r.Read7BitEncodedInt();
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < metaCount; i++) meta[r.ReadString()] = r.ReadString();
            var tensors = new PlanTensor[r.Read7BitEncodedInt()];
            for (int i = 0; i < tensors.Length; i++)
                tensors[i] = new PlanTensor(r.ReadString(), (ElementType)r.ReadByte(), ReadInts(r), (SlotKind)r.ReadByte(), r.ReadInt32(), r.ReadInt32());
            var steps = new PlanStep[r.Read7BitEncodedInt()];
            for (int i = 0; i < steps.Length; i++)
                steps[i] = new PlanStep(r.ReadString(), r.ReadString(), r.Read7BitEncodedInt(), ReadAttributes(r), ReadInts(r), ReadInts(r));
            int[] inputs = ReadInts(r), outputs = ReadInts(r);
            int arena = r.ReadInt32(), scratch = r.ReadInt32();
            long weightsOffset = r.ReadInt64(), weightsLength = r.ReadInt64();
            if (weightsOffset + weightsLength != file.Length) throw new PlanFormatException("weight block does not end the file");
            var weights = new ReadOnlyMemory<byte>(file, (int)weightsOffset, (int)weightsLength);
            foreach (var t in tensors)
                if (t.Kind == SlotKind.Weight && (t.Offset < 0 || (long)t.Offset + t.Length > weightsLength))
                    throw new PlanFormatException($"tensor '{t.Name}' lies outside the weight block");
                else if (t.Kind == SlotKind.Arena && (t.Offset < 0 || (long)t.Offset + t.Length > arena))
                    throw new PlanFormatException($"tensor '{t.Name}' lies outside the arena");
            return new Plan
            {
                Name = name, Metadata = meta, Tensors = tensors, Steps = steps, Inputs = inputs, Outputs = outputs,
                ArenaBytes = arena, ScratchBytes = scratch, Weights = weights,
            };
        }
        catch (EndOfStreamException)
        {
            throw new PlanFormatException("the plan body ends early");
        }
    }

    private static long Align64(long n) => (n + 63) & ~63L;

    private static void WriteInts(BinaryWriter w, int[] values)
    {
        w.Write7BitEncodedInt(values.Length);
        foreach (int v in values) w.Write(v);
    }

    private static int[] ReadInts(BinaryReader r)
    {
        int n = r.Read7BitEncodedInt();
        if (n < 0 || n > 1 << 24) throw new PlanFormatException("implausible array length in plan body");
        var values = new int[n];
        for (int i = 0; i < n; i++) values[i] = r.ReadInt32();
        return values;
    }

    private static void WriteAttributes(BinaryWriter w, NodeAttributes attributes)
    {
        var ordered = attributes.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        w.Write7BitEncodedInt(ordered.Length);
        foreach (var (key, v) in ordered)
        {
            w.Write(key);
            w.Write((byte)v.Kind);
            switch (v.Kind)
            {
                case AttributeKind.Float: w.Write(v.Float); break;
                case AttributeKind.Int: w.Write(v.Int); break;
                case AttributeKind.String: w.Write(v.String); break;
                case AttributeKind.Floats:
                    w.Write7BitEncodedInt(v.Floats.Length);
                    foreach (float f in v.Floats) w.Write(f);
                    break;
                case AttributeKind.Ints:
                    w.Write7BitEncodedInt(v.Ints.Length);
                    foreach (long i in v.Ints) w.Write(i);
                    break;
                case AttributeKind.Strings:
                    w.Write7BitEncodedInt(v.Strings.Length);
                    foreach (string s in v.Strings) w.Write(s);
                    break;
                case AttributeKind.Tensor:
                    var t = v.Tensor!;
                    w.Write((byte)t.Type);
                    WriteInts(w, t.Dims);
                    w.Write7BitEncodedInt(t.Bytes.Length);
                    w.Write(t.Bytes.Span);
                    break;
            }
        }
    }

    private static NodeAttributes ReadAttributes(BinaryReader r)
    {
        int n = r.Read7BitEncodedInt();
        var values = new Dictionary<string, AttributeValue>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadString();
            var kind = (AttributeKind)r.ReadByte();
            values[key] = kind switch
            {
                AttributeKind.Float => AttributeValue.Of(r.ReadSingle()),
                AttributeKind.Int => AttributeValue.Of(r.ReadInt64()),
                AttributeKind.String => AttributeValue.Of(r.ReadString()),
                AttributeKind.Floats => AttributeValue.Of(ReadArray(r, br => br.ReadSingle())),
                AttributeKind.Ints => AttributeValue.Of(ReadArray(r, br => br.ReadInt64())),
                AttributeKind.Strings => AttributeValue.Of(ReadArray(r, br => br.ReadString())),
                AttributeKind.Tensor => AttributeValue.Of(ReadTensor(r)),
                _ => throw new PlanFormatException($"unknown attribute kind {(byte)kind} for '{key}'"),
            };
        }
        return new NodeAttributes(values);
    }

    private static ConstantTensor ReadTensor(BinaryReader r)
    {
        var type = (ElementType)r.ReadByte();
        var dims = ReadInts(r);
        var bytes = r.ReadBytes(r.Read7BitEncodedInt());
        return new ConstantTensor(type, dims, bytes);
    }

    private static T[] ReadArray<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        int n = r.Read7BitEncodedInt();
        if (n < 0 || n > 1 << 24) throw new PlanFormatException("implausible array length in plan body");
        var values = new T[n];
        for (int i = 0; i < n; i++) values[i] = read(r);
        return values;
    }
}
