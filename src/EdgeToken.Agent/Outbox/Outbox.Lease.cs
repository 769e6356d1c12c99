using EdgeToken.Contracts;

namespace EdgeToken.Agent.Outbox;

public sealed partial class Outbox
{
    private long _leasedThrough; // 0: no batch on the wire
    private readonly List<(string Kind, long Sequence)> _droppedInFlight = [];

    /// <summary>
    /// <see cref="Peek"/> for the uplink: the records returned are on the wire until <see cref="Acknowledge"/> or
    /// <see cref="Release"/>. The disk budget may still have to drop some of them (a batch can be the whole outbox),
    /// but whether they were lost is only known when the send ends: delivered, they are not reported dropped;
    /// not delivered, <see cref="Release"/> reports them. A drop report therefore never names a record the
    /// collector received.
    /// </summary>
    public IReadOnlyList<StoredRecord> Lease(int maxRecords, int maxBytes)
    {
        lock (_gate)
        {
            var records = Peek(maxRecords, maxBytes);
            _leasedThrough = records.Count > 0 ? records[^1].Sequence : 0;
            return records;
        }
    }

    /// <summary>The leased batch was not delivered: what the budget dropped from it meanwhile is reported now.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _leasedThrough = 0;
            if (_droppedInFlight.Count == 0 || _disposed) return;
            var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
            long first = long.MaxValue, last = 0;
            foreach (var (kind, sequence) in _droppedInFlight)
            {
                CountDrop(byKind, kind, sequence, ref first, ref last);
                if (kind == "eventContext") _stripped++; else _dropped++;
            }
            _droppedInFlight.Clear();
            AppendUnbudgeted(new UplinkRecord(0, RecordKind.DropReport, DateTimeOffset.UtcNow,
                DropReport: new DropReportPayload(byKind, first, last, $"outbox disk budget of {_options.DiskBudgetBytes} bytes was full while they were being sent")));
        }
    }

    private bool InFlight(OutboxEntry e) => e.Sequence <= _leasedThrough;

    /// <summary>Called under the gate by <see cref="Acknowledge"/>: delivered records were not lost after all.</summary>
    private void Delivered(long throughSequence)
    {
        _leasedThrough = 0;
        _droppedInFlight.RemoveAll(d => d.Sequence <= throughSequence);
    }
}
