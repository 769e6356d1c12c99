using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

public sealed partial class Outbox
{
    /// <summary>
    /// Rebuilds the index from the segment files. Every frame's CRC is checked. A bad region is copied to
    /// quarantine/, cut out of its segment, and reported upstream by a drop report; the frames after it are
    /// found again by their magic and stay readable. An incomplete frame at the very end of the newest
    /// segment is a write that a crash interrupted before <see cref="Append"/> returned: it was never
    /// produced, so it is cut off without a report.
    /// </summary>
    private void Recover()
    {
        _ack.Load();
        var files = Directory.GetFiles(_options.Directory, "seg-*.log");
        Array.Sort(files, StringComparer.Ordinal);
        long highest = Math.Max(_ack.Acknowledged, _ack.HighestIssued);
        long corruptRegions = 0, firstLost = long.MaxValue, lastLost = 0;
        for (int f = 0; f < files.Length; f++)
        {
            string path = files[f];
            long id = long.Parse(Path.GetFileNameWithoutExtension(path)["seg-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var segment = new Segment(id, path);
            _lastSegmentId = Math.Max(_lastSegmentId, id);
            byte[] bytes = File.ReadAllBytes(path);
            var kept = new List<(int Offset, int Length, long Sequence, byte Kind)>();
            bool rewrite = false;
            int pos = 0;
            while (pos < bytes.Length)
            {
                var status = RecordFrame.TryDecode(bytes.AsSpan(pos), out long seq, out byte kind, out int length);
                if (status == RecordFrame.Status.Valid)
                {
                    kept.Add((pos, length, seq, kind));
                    highest = Math.Max(highest, seq);
                    pos += length;
                    continue;
                }
                rewrite = true;
                int next = FindNextFrame(bytes, pos + 1);
                bool lastSegment = f == files.Length - 1;
                if (next < 0 && lastSegment && (status == RecordFrame.Status.Truncated || IsZero(bytes.AsSpan(pos))))
                    break; // torn tail: never acknowledged to a producer
                int end = next < 0 ? bytes.Length : next;
                Quarantine(segment, pos, bytes.AsSpan(pos, end - pos));
                corruptRegions++;
                long before = kept.Count > 0 ? kept[^1].Sequence : highest;
                firstLost = Math.Min(firstLost, before + 1);
                if (next >= 0 && RecordFrame.TryDecode(bytes.AsSpan(next), out long after, out _, out _) == RecordFrame.Status.Valid)
                    lastLost = Math.Max(lastLost, after - 1);
                else
                {
                    // The lost frame's own sequence is unknown: skip one so it can never be reused.
                    lastLost = Math.Max(lastLost, before + 1);
                    highest = Math.Max(highest, before + 1);
                }
                pos = end;
            }
            if (rewrite)
            {
                var clean = new byte[kept.Sum(k => k.Length)];
                int at = 0;
                for (int i = 0; i < kept.Count; i++)
                {
                    bytes.AsSpan(kept[i].Offset, kept[i].Length).CopyTo(clean.AsSpan(at));
                    kept[i] = kept[i] with { Offset = at };
                    at += kept[i].Length;
                }
                DurableFiles.WriteAtomically(path, clean);
                bytes = clean;
            }
            segment.Length = bytes.Length;
            _segments.Add(segment);
            foreach (var k in kept)
                if (k.Sequence > _ack.Acknowledged)
                    _entries.Add(new OutboxEntry(k.Sequence, (RecordKind)(k.Kind & ~RecordFrame.ContextFlag), (k.Kind & RecordFrame.ContextFlag) != 0, segment, k.Offset, k.Length));
        }
        _nextSequence = highest + 1;
        if (_segments.Count > 0) _writer = OpenWriter(_segments[^1].Path);
        DeleteEmptySegments();
        if (corruptRegions > 0)
        {
            _quarantined += corruptRegions;
            var report = new DropReportPayload(new Dictionary<string, long> { ["corrupt"] = corruptRegions }, firstLost, Math.Max(firstLost, lastLost),
                $"{corruptRegions} corrupted region(s) of the outbox failed their checksum; moved to {Path.Combine(_options.Directory, "quarantine")}");
            AppendUnbudgeted(new UplinkRecord(0, RecordKind.DropReport, DateTimeOffset.UtcNow, DropReport: report));
        }
    }

    private static int FindNextFrame(byte[] bytes, int from)
    {
        for (int p = from; p + RecordFrame.HeaderBytes <= bytes.Length; p++)
            if (bytes[p] == unchecked((byte)RecordFrame.Magic) && RecordFrame.TryDecode(bytes.AsSpan(p), out _, out _, out _) == RecordFrame.Status.Valid)
                return p;
        return -1;
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExcept((byte)0);

    private void Quarantine(Segment segment, int offset, ReadOnlySpan<byte> bytes)
    {
        string directory = Path.Combine(_options.Directory, "quarantine");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"seg-{segment.Id:D12}-at-{offset}.bad");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private void AppendUnbudgeted(UplinkRecord draft)
    {
        var record = draft with { Sequence = _nextSequence };
        WriteFrames([RecordFrame.Encode(record.Sequence, KindByte(record), Serialize(record))], [record]);
    }
}
