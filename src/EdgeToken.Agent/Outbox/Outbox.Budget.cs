using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

public sealed partial class Outbox
{
    /// <summary>Room kept for the drop report that explains a drop.</summary>
    private const int DropReportReserve = 512;

    /// <summary>
    /// The disk budget's policy, least important first: the oldest heartbeats, then events' context snippets
    /// (the event itself stays, with <c>contextKind = "dropped"</c>), then the oldest summaries, then the
    /// oldest of anything but drop reports. It frees down to 90% of the budget so that a full outbox does
    /// not rewrite a segment on every append. The drop report is made durable before the segments are
    /// rewritten: a crash in between may send a record that was reported dropped, never drop one silently.
    /// </summary>
    private void MakeRoom(long need)
    {
        long budget = _options.DiskBudgetBytes;
        long excess = TotalBytes() + need + DropReportReserve - budget * 9 / 10;
        if (excess <= 0) return;
        var remove = new HashSet<OutboxEntry>();
        var strip = new Dictionary<OutboxEntry, byte[]>();
        long freed = 0;
        freed = Pick(e => e.Kind == RecordKind.Heartbeat, remove, freed, excess);
        if (freed < excess)
            foreach (var e in _entries)
            {
                if (freed >= excess) break;
                if (!e.HasContext || remove.Contains(e)) continue;
                var record = Deserialize(ReadFrame(e).AsSpan(RecordFrame.HeaderBytes));
                var stripped = record with { Event = record.Event! with { Context = [], ContextKind = "dropped" } };
                var frame = RecordFrame.Encode(e.Sequence, KindByte(stripped), Serialize(stripped));
                strip[e] = frame;
                freed += e.FrameLength - frame.Length;
            }
        if (freed < excess) freed = Pick(e => e.Kind == RecordKind.Summary, remove, freed, excess);
        if (freed < excess) freed = Pick(e => e.Kind != RecordKind.DropReport, remove, freed, excess);
        if (remove.Count == 0 && strip.Count == 0) return; // only drop reports left: over budget rather than lose the account

        var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
        long first = long.MaxValue, last = 0;
        foreach (var e in remove)
            if (InFlight(e)) _droppedInFlight.Add((KindName(e.Kind), e.Sequence));
            else { CountDrop(byKind, KindName(e.Kind), e.Sequence, ref first, ref last); _dropped++; }
        foreach (var e in strip.Keys)
            if (InFlight(e)) _droppedInFlight.Add(("eventContext", e.Sequence));
            else { CountDrop(byKind, "eventContext", e.Sequence, ref first, ref last); _stripped++; }
        if (byKind.Count > 0) // drops from the batch on the wire are reported only if it is not delivered (Release)
            AppendUnbudgeted(new UplinkRecord(0, RecordKind.DropReport, DateTimeOffset.UtcNow,
                DropReport: new DropReportPayload(byKind, first, last, $"outbox disk budget of {budget} bytes was full")));

        var touched = new HashSet<Segment>();
        foreach (var e in remove) touched.Add(e.Segment);
        foreach (var e in strip.Keys) touched.Add(e.Segment);
        foreach (var s in _segments.Where(touched.Contains).ToList()) Rewrite(s, remove, strip);
        _entries.RemoveAll(remove.Contains);
        DeleteEmptySegments();
    }

    private long Pick(Func<OutboxEntry, bool> eligible, HashSet<OutboxEntry> remove, long freed, long excess)
    {
        foreach (var e in _entries)
        {
            if (freed >= excess) break;
            if (!eligible(e) || !remove.Add(e)) continue;
            freed += e.FrameLength;
        }
        return freed;
    }

    private static void CountDrop(Dictionary<string, long> byKind, string kind, long sequence, ref long first, ref long last)
    {
        byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
        first = Math.Min(first, sequence);
        last = Math.Max(last, sequence);
    }

    internal static string KindName(RecordKind kind) => kind switch
    {
        RecordKind.Summary => "summary",
        RecordKind.Event => "event",
        RecordKind.Heartbeat => "heartbeat",
        RecordKind.Birth => "birth",
        RecordKind.Death => "death",
        _ => "dropReport",
    };

    private byte[] ReadFrame(OutboxEntry e)
    {
        _writer?.Flush();
        using var reader = new FileStream(e.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var frame = new byte[e.FrameLength];
        RandomAccess.Read(reader.SafeFileHandle, frame, e.Offset);
        return frame;
    }

    /// <summary>Writes a segment again without the removed frames and with the stripped ones, atomically.</summary>
    private void Rewrite(Segment segment, HashSet<OutboxEntry> remove, Dictionary<OutboxEntry, byte[]> strip)
    {
        var content = new MemoryStream();
        foreach (var e in _entries)
        {
            if (e.Segment != segment || remove.Contains(e)) continue;
            var frame = strip.TryGetValue(e, out var replaced) ? replaced : ReadFrame(e);
            e.Offset = content.Length;
            e.FrameLength = frame.Length;
            if (replaced is not null) e.HasContext = false;
            content.Write(frame);
        }
        bool active = segment == _segments[^1] && _writer is not null;
        if (active) { _writer!.Dispose(); _writer = null; }
        DurableFiles.WriteAtomically(segment.Path, content.GetBuffer().AsSpan(0, (int)content.Length));
        segment.Length = content.Length;
        if (active) _writer = OpenWriter(segment.Path);
    }
}
