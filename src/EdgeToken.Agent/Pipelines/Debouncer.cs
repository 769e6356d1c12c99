namespace EdgeToken.Agent.Pipelines;

/// <summary>A decision that changes only when <c>windows</c> of the last <c>span</c> windows disagree with it, so a
/// noisy score near the threshold produces one event, not one per window. With <c>span == windows</c> that is
/// "<c>windows</c> in a row"; a wider span also catches faults whose evidence comes and goes (a cage defect's sparse
/// impacts leave gaps that reset a run).</summary>
internal sealed class Debouncer
{
    private readonly int _windows;
    private readonly bool[] _history; // the last span observations, true where they disagreed with the state
    private int _next, _seen, _disagreeing;

    public Debouncer(int windows, int span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(span, windows);
        _windows = windows;
        _history = new bool[span];
    }

    public bool State { get; private set; }

    /// <summary>True when the debounced state changed with this window.</summary>
    public bool Observe(bool above)
    {
        bool disagree = above != State;
        if (_seen == _history.Length && _history[_next]) _disagreeing--;
        _history[_next] = disagree;
        if (disagree) _disagreeing++;
        _next = (_next + 1) % _history.Length;
        _seen = Math.Min(_seen + 1, _history.Length);
        if (_disagreeing < _windows) return false;
        State = above;
        Array.Clear(_history); // a new state starts counting afresh
        _next = _seen = _disagreeing = 0;
        return true;
    }
}
