using System.Text.Json;
using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

/// <summary>
/// The agent's durable, bounded, ordered outbox: an append-only log of CRC-checked frames in segment files
/// (docs/outbox.md says why not SQLite). <see cref="Append"/> returns only after the record is fsync'd, with
/// the next per-device sequence; <see cref="Acknowledge"/> deletes what the uplink confirmed. Thread-safe.
/// </summary>
public sealed partial class Outbox : IDisposable
{
    private readonly object _gate = new();
    private readonly OutboxOptions _options;
    private readonly AckFile _ack;
    private readonly List<Segment> _segments = [];
    private readonly List<OutboxEntry> _entries = []; // unacknowledged, in sequence order
    private FileStream? _writer;
    private long _nextSequence = 1;
    private long _lastSegmentId;
    private long _dropped, _stripped, _quarantined;
    private TaskCompletionSource _appended = NewSignal();

    private Outbox(OutboxOptions options)
    {
        _options = options;
        _ack = new AckFile(Path.Combine(options.Directory, "acknowledged"));
    }

    /// <summary>Opens (or creates) the outbox, recovering from a crash: a torn last frame is cut off, a corrupted
    /// frame is moved to quarantine/ and reported by a <see cref="RecordKind.DropReport"/> record.</summary>
    public static Outbox Open(OutboxOptions options)
    {
        Directory.CreateDirectory(options.Directory);
        var outbox = new Outbox(options);
        outbox.Recover();
        return outbox;
    }

    public long DiskBudgetBytes => _options.DiskBudgetBytes;

    /// <summary>Records held and not yet acknowledged.</summary>
    public int Count { get { lock (_gate) return _entries.Count; } }

    /// <summary>Bytes of all segment files, the figure the disk budget limits.</summary>
    public long Bytes { get { lock (_gate) return TotalBytes(); } }

    public long Acknowledged { get { lock (_gate) return _ack.Acknowledged; } }

    /// <summary>The sequence the next record will get.</summary>
    public long NextSequence { get { lock (_gate) return _nextSequence; } }

    public OutboxLosses Losses { get { lock (_gate) return new(_dropped, _stripped, _quarantined); } }

    /// <summary>Completes when a record is appended after the call; the uplink waits on it instead of polling.</summary>
    public Task WhenAppended { get { lock (_gate) return _appended.Task; } }

    /// <summary>Makes <paramref name="draft"/> durable with the next sequence (its own is ignored) and returns it as stored.</summary>
    public UplinkRecord Append(UplinkRecord draft) => AppendRange([draft])[0];

    /// <summary>Appends several records with one fsync (group commit), in order.</summary>
    public IReadOnlyList<UplinkRecord> AppendRange(IReadOnlyList<UplinkRecord> drafts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            long need = 0;
            foreach (var d in drafts) need += RecordFrame.HeaderBytes + Serialize(d with { Sequence = long.MaxValue }).Length;
            if (TotalBytes() + need > _options.DiskBudgetBytes) MakeRoom(need);
            var stored = new UplinkRecord[drafts.Count];
            var frames = new byte[drafts.Count][];
            for (int i = 0; i < drafts.Count; i++)
            {
                stored[i] = drafts[i] with { Sequence = _nextSequence + i };
                frames[i] = RecordFrame.Encode(stored[i].Sequence, KindByte(stored[i]), Serialize(stored[i]));
            }
            WriteFrames(frames, stored);
            return stored;
        }
    }

    /// <summary>The oldest unacknowledged records, in order: at most <paramref name="maxRecords"/>, and no more
    /// JSON than <paramref name="maxBytes"/> (but always at least one record, so nothing can block the queue).</summary>
    public IReadOnlyList<StoredRecord> Peek(int maxRecords, int maxBytes)
    {
        lock (_gate)
        {
            var result = new List<StoredRecord>();
            long bytes = 0;
            FileStream? reader = null;
            Segment? open = null;
            try
            {
                foreach (var e in _entries)
                {
                    if (result.Count >= maxRecords) break;
                    int json = e.FrameLength - RecordFrame.HeaderBytes;
                    if (result.Count > 0 && bytes + json + 1 > maxBytes) break;
                    if (open != e.Segment)
                    {
                        reader?.Dispose();
                        _writer?.Flush();
                        reader = new FileStream(e.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                        open = e.Segment;
                    }
                    var frame = new byte[e.FrameLength];
                    RandomAccess.Read(reader!.SafeFileHandle, frame, e.Offset);
                    result.Add(new StoredRecord(e.Sequence, e.Kind, frame[RecordFrame.HeaderBytes..]));
                    bytes += json + 1;
                }
            }
            finally { reader?.Dispose(); }
            return result;
        }
    }

    /// <summary>The uplink confirmed every record up to and including <paramref name="throughSequence"/>:
    /// they are forgotten (the acknowledgement is durable first) and fully acknowledged segments are deleted.</summary>
    public void Acknowledge(long throughSequence)
    {
        lock (_gate)
        {
            Delivered(throughSequence);
            if (throughSequence <= _ack.Acknowledged) return;
            throughSequence = Math.Min(throughSequence, _nextSequence - 1);
            _ack.Save(throughSequence, _nextSequence - 1);
            int n = 0;
            while (n < _entries.Count && _entries[n].Sequence <= throughSequence) n++;
            _entries.RemoveRange(0, n);
            DeleteEmptySegments();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal static byte[] Serialize(UplinkRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, WireJsonContext.Default.UplinkRecord);

    internal static UplinkRecord Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, WireJsonContext.Default.UplinkRecord) ?? throw new InvalidDataException("null record");

    private static byte KindByte(UplinkRecord r) =>
        (byte)((byte)r.Kind | (r.Event is { Context.Length: > 0 } ? RecordFrame.ContextFlag : 0));

    private long TotalBytes()
    {
        long total = 0;
        foreach (var s in _segments) total += s.Length;
        return total;
    }

    /// <summary>Appends frames to the active segment and fsyncs; only then are they indexed and visible.</summary>
    private void WriteFrames(byte[][] frames, UplinkRecord[] records)
    {
        var segment = ActiveSegment();
        long offset = segment.Length;
        int total = 0;
        foreach (var f in frames) total += f.Length;
        var buffer = new byte[total];
        int at = 0;
        foreach (var f in frames) { f.CopyTo(buffer, at); at += f.Length; }
        _writer!.Write(buffer); // one write(2): a kill lands before or after it, a power cut may tear it (recovery cuts the tail)
        _writer.Flush(flushToDisk: true);
        segment.Length += total;
        for (int i = 0; i < frames.Length; i++)
        {
            _entries.Add(new OutboxEntry(records[i].Sequence, records[i].Kind, (KindByte(records[i]) & RecordFrame.ContextFlag) != 0, segment, offset, frames[i].Length));
            offset += frames[i].Length;
        }
        _nextSequence += frames.Length;
        var signal = _appended;
        _appended = NewSignal();
        signal.SetResult();
    }

    private Segment ActiveSegment()
    {
        var last = _segments.Count > 0 ? _segments[^1] : null;
        if (last is not null && _writer is not null && last.Length < _options.EffectiveSegmentBytes) return last;
        _writer?.Dispose();
        long id = ++_lastSegmentId;
        var segment = new Segment(id, Path.Combine(_options.Directory, Segment.FileName(id)));
        _writer = OpenWriter(segment.Path);
        DurableFiles.SyncDirectory(_options.Directory);
        _segments.Add(segment);
        return segment;
    }

    private static FileStream OpenWriter(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>Deletes segments that no longer hold an unacknowledged record (the active one too: the next
    /// append starts a fresh segment).</summary>
    private void DeleteEmptySegments()
    {
        var live = new HashSet<Segment>();
        foreach (var e in _entries) live.Add(e.Segment);
        bool deleted = false;
        for (int i = _segments.Count - 1; i >= 0; i--)
        {
            var s = _segments[i];
            if (live.Contains(s)) continue;
            if (i == _segments.Count - 1) { _writer?.Dispose(); _writer = null; }
            File.Delete(s.Path);
            _segments.RemoveAt(i);
            deleted = true;
        }
        if (deleted) DurableFiles.SyncDirectory(_options.Directory);
    }

    private bool _disposed;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
        }
    }
}
