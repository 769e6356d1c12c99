using EdgeToken.Sensors.FrontEnd;

namespace EdgeToken.Agent.Pipelines;

/// <summary>
/// Cuts interleaved samples into raw windows of <see cref="SampleWindow.Frames"/> frames every
/// <see cref="SampleWindow.Hop"/> frames, for pipelines that take samples (<see cref="IPipeline.SampleWindow"/>).
/// </summary>
/// <remarks>The history is one linear buffer shifted by a hop after each window: a window is then a single
/// contiguous copy, and the shift costs (frames - hop) values per window, less than the model that follows.</remarks>
internal sealed class SampleWindower : IWindowing
{
    private readonly SampleWindow _shape;
    private readonly float[] _history;
    private int _filled; // values

    public SampleWindower(SampleWindow shape)
    {
        if (shape.Channels < 1 || shape.Frames < 1 || shape.Hop < 1 || shape.Hop > shape.Frames)
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "a sample window needs channels >= 1, frames >= 1 and 1 <= hop <= frames");
        _shape = shape;
        _history = new float[shape.Values];
    }

    public int WindowValues => _shape.Values;
    public int Hop => _shape.Hop;
    public int ChannelCount => _shape.Channels;

    public FrontEndProgress Process(ReadOnlySpan<float> interleaved, Span<float> windows)
    {
        int channels = _shape.Channels, n = _history.Length;
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"Input of {interleaved.Length} values is not a whole number of {channels}-channel instants.", nameof(interleaved));
        int consumed = 0, written = 0;
        while (true)
        {
            if (_filled == n)
            {
                if ((written + 1) * n > windows.Length) break;
                _history.CopyTo(windows.Slice(written++ * n, n));
                int keep = n - _shape.Hop * channels;
                _history.AsSpan(n - keep, keep).CopyTo(_history);
                _filled = keep;
            }
            if (consumed == interleaved.Length) break;
            int take = Math.Min(n - _filled, interleaved.Length - consumed);
            interleaved.Slice(consumed, take).CopyTo(_history.AsSpan(_filled));
            _filled += take;
            consumed += take;
        }
        return new FrontEndProgress(consumed / channels, written);
    }
}
