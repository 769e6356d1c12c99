using System.Buffers.Binary;

namespace EdgeToken.Agent.Outbox;

/// <summary>
/// The outbox's one piece of mutable state: the highest sequence the uplink confirmed and the highest
/// sequence ever issued (so numbering continues after everything was acknowledged and deleted). 20 bytes
/// with a CRC, replaced atomically.
/// </summary>
internal sealed class AckFile(string path)
{
    public long Acknowledged { get; private set; }
    public long HighestIssued { get; private set; }

    public void Load()
    {
        if (!File.Exists(path)) return;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 20 || Crc32.Compute(bytes.AsSpan(0, 16)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)))
            throw new IOException($"{path}: the outbox's acknowledgement file is damaged; move it away to resend everything the outbox holds");
        Acknowledged = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        HighestIssued = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
    }

    public void Save(long acknowledged, long highestIssued)
    {
        Span<byte> bytes = stackalloc byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, acknowledged);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], highestIssued);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[16..], Crc32.Compute(bytes[..16]));
        DurableFiles.WriteAtomically(path, bytes);
        Acknowledged = acknowledged;
        HighestIssued = highestIssued;
    }
}
