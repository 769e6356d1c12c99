using System.Device.I2c;
using EdgeToken.Sensors.Devices.Lis3dh;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Agent.Sources;

/// <summary>
/// A LIS3DH accelerometer on an I2C bus (src/EdgeToken.Sensors/Devices/Lis3dh): its FIFO in stream mode is
/// drained in bursts by a thread and cut into frames of X, Y, Z in g, fanned out to every pipeline's ring.
/// A FIFO overrun (the thread fell behind the chip) loses samples: the next frame skips a sequence number, so
/// the timeline counts it as a gap in the summaries' front-end health.
/// </summary>
public sealed class Lis3dhSource : ISensorSource
{
    public const int InstantsPerFrame = 128;
    private readonly Lis3dh _chip;
    private readonly List<FrameRing> _rings = [];
    private Thread? _thread;
    private volatile bool _stop;

    /// <summary>Opens the chip on <paramref name="device"/> (<c>I2cDevice.Create</c> on a real bus, a simulated chip
    /// in tests), checks WHO_AM_I and configures it.</summary>
    /// <exception cref="InvalidOperationException">No LIS3DH answers (the message names bus and address).</exception>
    public Lis3dhSource(string name, I2cDevice device, DataRate rate, FullScale scale)
    {
        Name = name;
        _chip = new Lis3dh(device, ownsDevice: true);
        _chip.Configure(rate, scale);
        SampleRateHz = _chip.SampleRateHz;
    }

    /// <summary>The chip on <c>/dev/i2c-{bus}</c> at <paramref name="address"/>.</summary>
    public static Lis3dhSource Open(string name, int bus, int address, DataRate rate, FullScale scale) =>
        new(name, I2cDevice.Create(new I2cConnectionSettings(bus, address)), rate, scale);

    public string Name { get; }
    public double SampleRateHz { get; }
    public int ChannelCount => 3;
    public long Instants { get; private set; }
    public long FifoOverruns { get; private set; }
    public SourceHealth Health => default; // I2C has no checksum; losses show as sequence gaps

    public FrameRing Subscribe(bool lossless)
    {
        var ring = new FrameRing(64, InstantsPerFrame * 3, lossless ? OverflowPolicy.Block : OverflowPolicy.DropOldest, lossless ? Timeout.InfiniteTimeSpan : null);
        _rings.Add(ring);
        return ring;
    }

    public void Start()
    {
        _thread = new Thread(Run) { Name = $"lis3dh {Name}", IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _stop = true;
        _thread?.Join();
        _chip.Dispose();
    }

    private void Run()
    {
        var frame = new float[InstantsPerFrame * 3];
        int filled = 0; // instants in frame
        uint sequence = 0;
        long startNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        // Half the time the FIFO takes to fill: drained well before it overruns, without polling the bus flat out.
        // At most 50 ms, so a slow rate (16 s at 1 Hz) does not hold up a stop.
        var pause = TimeSpan.FromSeconds(Math.Min(Lis3dh.FifoDepth / 2 / SampleRateHz, 0.05));
        while (!_stop)
        {
            int read = _chip.ReadFifo(frame.AsSpan(filled * 3), out var status);
            if (status.Overrun)
            {
                FifoOverruns++;
                // The frame after a loss does not follow on: a counted gap. (A loss before the very first frame has
                // nothing to be a gap from; it is counted in FifoOverruns only.)
                sequence++;
            }
            filled += read;
            if (filled == InstantsPerFrame)
            {
                var header = new FrameHeader(0, sequence++, Instants, startNanos + (long)(Instants * 1e9 / SampleRateHz), InstantsPerFrame, 3);
                foreach (var ring in _rings) ring.Write(header, frame);
                Instants += InstantsPerFrame;
                filled = 0;
            }
            if (read == 0) Thread.Sleep(pause);
        }
    }
}
