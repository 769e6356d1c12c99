using System.Device.I2c;
using System.Diagnostics;
using EdgeToken.Sensors.Tests.Devices;

namespace EdgeToken.Agent.Tests.Sources;

/// <summary>
/// The register-level simulated LIS3DH, measuring as time passes: each time the driver reads FIFO_SRC_REG the
/// chip first measures the samples that came due at its data rate, but never enough to fill the FIFO,
/// so a late poll on a loaded test machine does not overrun by accident (this wrapper counts what it measured
/// into the FIFO and what the driver's bursts popped). Once <paramref name="overrunAfter"/> samples were
/// measured, one poll finds 40 new samples: the 32-deep FIFO overruns exactly once, after the first frames.
/// </summary>
internal sealed class StreamingLis3dh(double rateHz, long overrunAfter = -1) : I2cDevice
{
    private const int Depth = 32;
    private readonly SimulatedLis3dh _chip = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _measured;
    private int _inFifo, _polls;
    private bool _overran;

    public override I2cConnectionSettings ConnectionSettings => _chip.ConnectionSettings;
    public long Measured => Interlocked.Read(ref _measured);
    public int Polls => Volatile.Read(ref _polls);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        byte register = (byte)(writeBuffer[0] & 0x7F);
        if (register == 0x2F)
        {
            _polls++;
            long due = (long)(_clock.Elapsed.TotalSeconds * rateHz) - _measured;
            // Up to 31: a FIFO holding all 32 reports OVRN_FIFO (as the part does), which only the injected poll may cause.
            int n = (int)Math.Clamp(due, 0, Depth - 1 - _inFifo);
            if (!_overran && overrunAfter >= 0 && _measured >= overrunAfter) { n = Depth + 8; _overran = true; }
            for (int i = 0; i < n; i++)
            {
                double t = (_measured + i) / rateHz;
                short x = (short)(800 * Math.Sin(2 * Math.PI * 50 * t)), y = (short)(400 * Math.Sin(2 * Math.PI * 120 * t)), z = 500;
                _chip.Measure((short)(x << 4), (short)(y << 4), (short)(z << 4)); // left-justified, as the part stores 12 bits
            }
            _inFifo = Math.Min(Depth, _inFifo + n);
            Interlocked.Add(ref _measured, n);
        }
        _chip.WriteRead(writeBuffer, readBuffer);
        if (register == 0x28) _inFifo = Math.Max(0, _inFifo - readBuffer.Length / 6); // a burst pops one sample per 6 bytes
    }

    public override void Write(ReadOnlySpan<byte> buffer) => _chip.Write(buffer);
    public override void WriteByte(byte value) => _chip.WriteByte(value);
    public override byte ReadByte() => _chip.ReadByte();
    public override void Read(Span<byte> buffer) => _chip.Read(buffer);
}
