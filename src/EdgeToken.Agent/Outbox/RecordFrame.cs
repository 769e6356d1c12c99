using System.Buffers.Binary;
using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

/// <summary>
/// One record on disk: <c>magic u32 | payload length u32 | crc32 u32 | sequence i64 | kind u8 | payload</c>,
/// little-endian. The CRC covers sequence, kind and payload, so a flipped bit anywhere after the header's
/// first 12 bytes, and a wrong length, are both caught. The magic lets recovery find the next frame after a
/// corrupted one.
/// </summary>
internal static class RecordFrame
{
    public const uint Magic = 0x424F5445; // "ETOB" little-endian
    public const int HeaderBytes = 21;
    /// <summary>Set on the kind byte when the record carries context (an event's snippet) the budget may strip.</summary>
    public const byte ContextFlag = 0x80;
    /// <summary>A payload larger than this is not a record but a corrupted length.</summary>
    public const int MaxPayloadBytes = WireFormat.MaxBatchBytes;

    public static byte[] Encode(long sequence, byte kind, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(12), sequence);
        frame[20] = kind;
        payload.CopyTo(frame.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(8), Crc32.Compute(frame.AsSpan(12)));
        return frame;
    }

    public enum Status { Valid, Corrupt, Truncated }

    /// <summary>Checks the frame starting at <paramref name="data"/>[0].</summary>
    public static Status TryDecode(ReadOnlySpan<byte> data, out long sequence, out byte kind, out int frameLength)
    {
        sequence = 0; kind = 0; frameLength = 0;
        if (data.Length < HeaderBytes) return Status.Truncated;
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic) return Status.Corrupt;
        int length = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (length < 0 || length > MaxPayloadBytes) return Status.Corrupt;
        if (data.Length < HeaderBytes + length) return Status.Truncated;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (Crc32.Compute(data.Slice(12, 9 + length)) != crc) return Status.Corrupt;
        sequence = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        kind = data[20];
        frameLength = HeaderBytes + length;
        return Status.Valid;
    }

    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> frame) => frame[HeaderBytes..];
}
