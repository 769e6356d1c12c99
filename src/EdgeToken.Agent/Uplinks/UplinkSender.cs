using System.Net.NetworkInformation;
using EdgeToken.Contracts;
using Microsoft.Extensions.Logging;
using AgentOutbox = EdgeToken.Agent.Outbox.Outbox;

namespace EdgeToken.Agent.Uplinks;

/// <summary>
/// Drains the outbox through one uplink, oldest first: peek a batch, send it, acknowledge it on delivery,
/// and only then look at the next. At least once and in order; the receiver's deduplication by
/// (device, sequence) makes it exactly once. On failure it backs off with jitter, but a network change or
/// <see cref="Wake"/> cuts the wait short, so the backlog starts draining as soon as the link returns.
/// </summary>
public sealed class UplinkSender
{
    private readonly AgentOutbox _outbox;
    private readonly IUplink _uplink;
    private readonly string _deviceId;
    private readonly UplinkSenderOptions _options;
    private readonly ILogger _logger;
    private readonly BandwidthCap? _cap;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public UplinkSender(AgentOutbox outbox, IUplink uplink, string deviceId, UplinkSenderOptions options, ILogger logger)
    {
        _outbox = outbox;
        _uplink = uplink;
        _deviceId = deviceId;
        _options = options;
        _logger = logger;
        if (options.BandwidthBytesPerSecond is long cap) _cap = new BandwidthCap(cap);
    }

    public UplinkStatistics Statistics { get; } = new();

    /// <summary>The link is probably back: stop waiting out the backoff.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task RunAsync(CancellationToken stop)
    {
        NetworkAvailabilityChangedEventHandler availability = (_, _) => Wake();
        NetworkAddressChangedEventHandler address = (_, _) => Wake();
        try { NetworkChange.NetworkAvailabilityChanged += availability; NetworkChange.NetworkAddressChanged += address; }
        catch (Exception e) when (e is PlatformNotSupportedException or NetworkInformationException) { }
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = stop.Register(() => stopped.TrySetResult());
        try
        {
            var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
            while (!stop.IsCancellationRequested)
            {
                var appended = _outbox.WhenAppended; // before Peek, so an append in between is not missed
                UplinkResult? result;
                try { result = await SendOneAsync(stop).ConfigureAwait(false); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; } // unacknowledged: resent later

                if (result is null) { await WhenAny(appended, stopped.Task).ConfigureAwait(false); continue; }
                if (result.Value.Outcome == UplinkOutcome.Delivered) { backoff.Reset(); continue; }
                var delay = backoff.Next();
                if (result.Value.RetryAfter is TimeSpan after && after > delay) delay = after;
                if (backoff.Failures == 1 || result.Value.Outcome == UplinkOutcome.Refused)
                    _logger.LogWarning("uplink {Uplink}: {Outcome} ({Detail}); {Backlog} records wait in the outbox, retrying in {Delay:F1} s",
                        _uplink.Name, result.Value.Outcome, result.Value.Detail, _outbox.Count, delay.TotalSeconds);
                try { await WhenAny(Task.Delay(delay, stop), stopped.Task).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            try { NetworkChange.NetworkAvailabilityChanged -= availability; NetworkChange.NetworkAddressChanged -= address; }
            catch (Exception e) when (e is PlatformNotSupportedException or NetworkInformationException) { }
        }
    }

    /// <summary>On a graceful stop: sends what the outbox holds until it is empty, the link fails, or the time is up.
    /// What is left stays in the outbox for the next start.</summary>
    public async Task<bool> DrainAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var result = await SendOneAsync(timeout.Token).ConfigureAwait(false);
                if (result is null) return true;
                if (result.Value.Outcome != UplinkOutcome.Delivered) return false;
            }
        }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>One batch: null when the outbox is empty.</summary>
    private async Task<UplinkResult?> SendOneAsync(CancellationToken stop)
    {
        var records = _outbox.Lease(_options.MaxRecordsPerBatch, WireFormat.MaxBatchBytes - BatchComposer.EnvelopeBytes);
        if (records.Count == 0) return null;
        bool delivered = false;
        try
        {
            var body = BatchComposer.Compose(_deviceId, records);
            if (_cap is not null)
            {
                var wait = _cap.DelayFor(body.Length);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, stop).ConfigureAwait(false);
            }
            var result = await _uplink.SendAsync(body, stop).ConfigureAwait(false);
            if (result.Outcome == UplinkOutcome.Delivered)
            {
                _outbox.Acknowledge(records[^1].Sequence);
                delivered = true;
                Statistics.Delivered(records.Count, result.WireBytes);
            }
            else Statistics.Failed();
            return result;
        }
        finally
        {
            if (!delivered) _outbox.Release();
        }
    }

    // One registration on the stop token for the whole run, not one per wait (the agent runs for months).
    private Task WhenAny(Task task, Task stopped) => Task.WhenAny(task, _wake.Task, stopped);
}
