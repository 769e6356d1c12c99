using EdgeToken.Agent.Outbox;
using EdgeToken.Contracts;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Tests.Outbox;

public sealed class OutboxTests
{
    [Fact]
    public void Sequences_start_at_one_and_continue_after_reopening()
    {
        using var dir = new TempDirectory();
        using (var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path }))
        {
            Assert.Equal(1, outbox.Append(Records.Summary(1)).Sequence);
            Assert.Equal(2, outbox.Append(Records.Heartbeat(2)).Sequence);
            var range = outbox.AppendRange([Records.Summary(3), Records.Event(4)]);
            Assert.Equal([3L, 4L], range.Select(r => r.Sequence));
        }
        using (var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path }))
        {
            Assert.Equal(5, outbox.Append(Records.Summary(5)).Sequence);
            var peeked = outbox.Peek(100, WireFormat.MaxBatchBytes);
            Assert.Equal([1L, 2L, 3L, 4L, 5L], peeked.Select(r => r.Sequence));
            var record = AgentOutbox.Deserialize(peeked[3].Json);
            Assert.Equal(RecordKind.Event, record.Kind);
            Assert.Equal(256, record.Event!.Context.Length);
        }
    }

    [Fact]
    public void Acknowledged_records_are_deleted_and_numbering_survives_an_empty_outbox()
    {
        using var dir = new TempDirectory();
        var options = new OutboxOptions { Directory = dir.Path, DiskBudgetBytes = 1 << 20, SegmentBytes = 4096 };
        using (var outbox = AgentOutbox.Open(options))
        {
            for (int i = 1; i <= 100; i++) outbox.Append(Records.Summary(i));
            Assert.True(Directory.GetFiles(dir.Path, "seg-*").Length > 3);
            outbox.Acknowledge(60);
            Assert.Equal(40, outbox.Count);
            Assert.Equal(61, outbox.Peek(1, 1 << 20)[0].Sequence);
            outbox.Acknowledge(100);
            Assert.Equal(0, outbox.Count);
            Assert.Empty(Directory.GetFiles(dir.Path, "seg-*"));
        }
        using (var outbox = AgentOutbox.Open(options))
        {
            Assert.Equal(0, outbox.Count);
            Assert.Equal(101, outbox.Append(Records.Summary(101)).Sequence);
        }
    }

    [Fact]
    public void Peek_respects_record_and_byte_limits_but_always_returns_one()
    {
        using var dir = new TempDirectory();
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path });
        for (int i = 1; i <= 20; i++) outbox.Append(Records.Summary(i));
        Assert.Equal(7, outbox.Peek(7, 1 << 20).Count);
        var one = outbox.Peek(7, 10);
        Assert.Single(one);
        int size = one[0].Json.Length;
        Assert.Equal(3, outbox.Peek(100, 3 * (size + 1) + 1).Count);
    }

    [Fact]
    public void A_full_budget_drops_heartbeats_first_then_contexts_then_summaries_and_reports_it()
    {
        using var dir = new TempDirectory();
        const long budget = 64 * 1024;
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path, DiskBudgetBytes = budget, SegmentBytes = 8192 });
        var appended = new List<UplinkRecord>();
        for (int i = 1; i <= 600; i++)
        {
            appended.Add(outbox.Append(i % 3 == 0 ? Records.Heartbeat(i) : i % 10 == 1 ? Records.Event(i) : Records.Summary(i)));
            Assert.True(outbox.Bytes <= budget, $"{outbox.Bytes} bytes after record {i}");
        }
        var held = outbox.Peek(100_000, int.MaxValue).Select(r => AgentOutbox.Deserialize(r.Json)).ToList();
        Assert.Equal(held.Select(r => r.Sequence).Order(), held.Select(r => r.Sequence));
        var reports = held.Where(r => r.Kind == RecordKind.DropReport).Select(r => r.DropReport!).ToList();
        Assert.NotEmpty(reports);
        long heartbeats = reports.Sum(r => r.DroppedByKind.GetValueOrDefault("heartbeat"));
        long contexts = reports.Sum(r => r.DroppedByKind.GetValueOrDefault("eventContext"));
        long summaries = reports.Sum(r => r.DroppedByKind.GetValueOrDefault("summary"));
        Assert.True(heartbeats > 0 && contexts > 0 && summaries > 0, $"{heartbeats} heartbeats, {contexts} contexts, {summaries} summaries");
        // Every record is accounted for: held, or counted in a drop report.
        long droppedRecords = reports.Sum(r => r.DroppedByKind.Where(k => k.Key != "eventContext").Sum(k => k.Value));
        Assert.Equal(appended.Count + reports.Count, held.Count + droppedRecords);
        // Policy order: summaries go only once no heartbeat older than them is left; events stay, without context.
        long oldestSummary = held.First(s => s.Kind == RecordKind.Summary).Sequence;
        Assert.DoesNotContain(held, r => r.Kind == RecordKind.Heartbeat && r.Sequence < oldestSummary);
        Assert.Equal(appended.Count(r => r.Kind == RecordKind.Event), held.Count(r => r.Kind == RecordKind.Event));
        Assert.Contains(held, r => r.Kind == RecordKind.Event && r.Event!.ContextKind == "dropped");
        Assert.Equal(heartbeats + summaries, outbox.Losses.Dropped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Records_the_budget_drops_while_their_batch_is_on_the_wire_are_reported_only_if_it_is_not_delivered(bool delivered)
    {
        using var dir = new TempDirectory();
        const long budget = 16 * 1024;
        using var outbox = AgentOutbox.Open(new OutboxOptions { Directory = dir.Path, DiskBudgetBytes = budget, SegmentBytes = 4096 });
        int i = 1;
        while (outbox.Bytes < budget * 8 / 10) outbox.Append(Records.Summary(i++));
        var batch = outbox.Lease(100_000, int.MaxValue); // the whole outbox is on the wire
        long leasedThrough = batch[^1].Sequence;
        for (int k = 0; k < 40; k++) outbox.Append(Records.Summary(i++)); // the budget must drop some of the batch
        Assert.True(outbox.Bytes <= budget, $"{outbox.Bytes} bytes");
        Assert.True(outbox.Peek(1, int.MaxValue)[0].Sequence > 1, "the oldest leased record was dropped from disk");
        Assert.DoesNotContain(Held(outbox), r => r.Kind == RecordKind.DropReport);
        Assert.Equal(0, outbox.Losses.Dropped);

        if (delivered) outbox.Acknowledge(leasedThrough); else outbox.Release();

        var reports = Held(outbox).Where(r => r.Kind == RecordKind.DropReport).Select(r => r.DropReport!).ToList();
        if (delivered)
        {
            Assert.Empty(reports); // the collector has them: reporting them dropped would be false
            Assert.Equal(0, outbox.Losses.Dropped);
        }
        else
        {
            var report = Assert.Single(reports);
            Assert.Equal(1, report.FirstSequence);
            Assert.True(report.LastSequence <= leasedThrough);
            Assert.Equal(report.DroppedByKind["summary"], outbox.Losses.Dropped);
            Assert.Equal(report.LastSequence, report.DroppedByKind["summary"]); // 1..last, none left out
        }
    }

    private static List<UplinkRecord> Held(AgentOutbox outbox) =>
        outbox.Peek(100_000, int.MaxValue).Select(r => AgentOutbox.Deserialize(r.Json)).ToList();

    [Fact]
    public void A_corrupted_record_is_quarantined_and_reported_and_the_rest_stays_readable()
    {
        using var dir = new TempDirectory();
        var options = new OutboxOptions { Directory = dir.Path, SegmentBytes = 4096 };
        using (var outbox = AgentOutbox.Open(options))
            for (int i = 1; i <= 40; i++) outbox.Append(Records.Summary(i));
        // Flip bytes inside the third record of the first segment (its payload, then its length field).
        string first = Directory.GetFiles(dir.Path, "seg-*").Order().First();
        var bytes = File.ReadAllBytes(first);
        int third = IndexOfFrame(bytes, 3);
        bytes[third + 40] ^= 0x5A;
        bytes[IndexOfFrame(bytes, 5) + 5] ^= 0xFF;
        File.WriteAllBytes(first, bytes);

        using (var outbox = AgentOutbox.Open(options))
        {
            var held = outbox.Peek(1000, int.MaxValue).Select(r => AgentOutbox.Deserialize(r.Json)).ToList();
            var sequences = held.Where(r => r.Kind == RecordKind.Summary).Select(r => r.Sequence).ToList();
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i).Except([3L, 5L]), sequences);
            var report = Assert.Single(held, r => r.Kind == RecordKind.DropReport).DropReport!;
            Assert.Equal(2, report.DroppedByKind["corrupt"]);
            Assert.Equal(3, report.FirstSequence);
            Assert.Equal(5, report.LastSequence);
            Assert.Equal(41, held[^1].Sequence);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "quarantine")).Length);
            Assert.Equal(2, outbox.Losses.Quarantined);
        }
        using (var outbox = AgentOutbox.Open(options))
            Assert.Equal(42, outbox.Append(Records.Summary(42)).Sequence); // repaired: no second report
    }

    [Fact]
    public void A_torn_last_frame_is_cut_off_without_a_report()
    {
        using var dir = new TempDirectory();
        var options = new OutboxOptions { Directory = dir.Path };
        using (var outbox = AgentOutbox.Open(options))
            for (int i = 1; i <= 5; i++) outbox.Append(Records.Summary(i));
        string segment = Directory.GetFiles(dir.Path, "seg-*").Single();
        var whole = File.ReadAllBytes(segment);
        int start = IndexOfFrame(whole, 5);
        File.WriteAllBytes(segment, whole[..(start + (whole.Length - start) / 2)]); // the 5th write was torn
        using var reopened = AgentOutbox.Open(options);
        Assert.Equal([1L, 2L, 3L, 4L], reopened.Peek(100, int.MaxValue).Select(r => r.Sequence));
        Assert.Equal(5, reopened.Append(Records.Summary(5)).Sequence);
        Assert.Equal(0, reopened.Losses.Quarantined);
    }

    /// <summary>Offset of the n-th frame (1-based) of a segment, walking the length fields.</summary>
    private static int IndexOfFrame(byte[] segment, int n)
    {
        int pos = 0;
        for (int i = 1; i < n; i++) pos += 21 + BitConverter.ToInt32(segment, pos + 4);
        return pos;
    }
}
