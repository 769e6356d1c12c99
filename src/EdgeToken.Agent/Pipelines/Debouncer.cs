namespace EdgeToken.Agent.Pipelines;

/// <summary>A decision that must hold for <c>windows</c> consecutive windows before it changes, so a noisy
/// score near the threshold produces one event, not one per window.</summary>
internal sealed class Debouncer(int windows)
{
    private int _run;

    public bool State { get; private set; }

    /// <summary>True when the debounced state changed with this window.</summary>
    public bool Observe(bool above)
    {
        if (above == State) { _run = 0; return false; }
        if (++_run < windows) return false;
        State = above;
        _run = 0;
        return true;
    }
}
