namespace EdgeToken.Runtime.Generated;

/// <summary>
/// The decision of a generated pipeline after its threshold and debounce: a candidate (a class index, or 1/0
/// for anomaly/normal) becomes the decision only after it wins <see cref="Windows"/> windows in a row, so one
/// noisy window does not flip an alarm. -1 means no decision yet.
/// </summary>
public struct Debouncer
{
    private int _candidate;
    private int _run;

    public Debouncer(int windows)
    {
        Windows = Math.Max(1, windows);
        _candidate = -1;
        Decision = -1;
    }

    public int Windows { get; }
    public int Decision { get; private set; }

    /// <summary>Feeds one window's candidate (-1 when nothing passed the threshold); returns true when the
    /// decision changed.</summary>
    public bool Update(int candidate)
    {
        if (candidate == _candidate) _run++;
        else
        {
            _candidate = candidate;
            _run = 1;
        }
        if (_run >= Windows && Decision != candidate)
        {
            Decision = candidate;
            return true;
        }
        return false;
    }
}
