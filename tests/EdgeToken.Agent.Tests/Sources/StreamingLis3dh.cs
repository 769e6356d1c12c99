using System.Device.I2c;
using System.Diagnostics;
using EdgeToken.Sensors.Tests.Devices;

namespace EdgeToken.Agent.Tests.Sources;

/// <summary>
/// The register-level simulated LIS3DH, measuring as time passes: each time the driver reads FIFO_SRC_REG the
/// chip first measures the samples that came due at its data rate (at most 24, so a late poll on a loaded test
/// machine never overruns by accident). <paramref name="overrunAtPoll"/> makes one poll find 40 new samples:
/// the 32-deep FIFO overruns once.
/// </summary>
internal sealed class StreamingLis3dh(double rateHz, int overrunAtPoll = -1) : I2cDevice
{
    private readonly SimulatedLis3dh _chip = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _measured;
    private int _polls;

    public override I2cConnectionSettings ConnectionSettings => _chip.ConnectionSettings;
    public long Measured => Interlocked.Read(ref _measured);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if ((writeBuffer[0] & 0x7F) == 0x2F)
        {
            long due = (long)(_clock.Elapsed.TotalSeconds * rateHz) - _measured;
            int n = _polls++ == overrunAtPoll ? 40 : (int)Math.Clamp(due, 0, 24);
            for (int i = 0; i < n; i++)
            {
                double t = (_measured + i) / rateHz;
                short x = (short)(800 * Math.Sin(2 * Math.PI * 50 * t)), y = (short)(400 * Math.Sin(2 * Math.PI * 120 * t)), z = 500;
                _chip.Measure((short)(x << 4), (short)(y << 4), (short)(z << 4)); // left-justified, as the part stores 12 bits
            }
            Interlocked.Add(ref _measured, n);
        }
        _chip.WriteRead(writeBuffer, readBuffer);
    }

    public override void Write(ReadOnlySpan<byte> buffer) => _chip.Write(buffer);
    public override void WriteByte(byte value) => _chip.WriteByte(value);
    public override byte ReadByte() => _chip.ReadByte();
    public override void Read(Span<byte> buffer) => _chip.Read(buffer);
}
