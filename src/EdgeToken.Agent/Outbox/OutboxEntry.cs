using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

/// <summary>One segment file: <c>seg-{id}.log</c>, appended to until it reaches the segment size.</summary>
internal sealed class Segment(long id, string path)
{
    public long Id { get; } = id;
    public string Path { get; } = path;
    public long Length { get; set; }

    public static string FileName(long id) => $"seg-{id:D12}.log";
}

/// <summary>Where an unacknowledged record is: the in-memory index rebuilt from the segments at open.</summary>
internal sealed class OutboxEntry(long sequence, RecordKind kind, bool hasContext, Segment segment, long offset, int frameLength)
{
    public long Sequence { get; } = sequence;
    public RecordKind Kind { get; } = kind;
    public bool HasContext { get; set; } = hasContext;
    public Segment Segment { get; set; } = segment;
    public long Offset { get; set; } = offset;
    public int FrameLength { get; set; } = frameLength;
}
