using System.Device.I2c;

namespace EdgeToken.Sensors.Tests.Devices;

/// <summary>
/// A register-level I2C chip: a 256-byte register file with auto-increment, a log of every
/// transfer's exact bytes, and hooks for registers with side effects (FIFO pops).
/// </summary>
internal abstract class SimulatedI2cDevice : I2cDevice
{
    protected readonly byte[] Registers = new byte[256];

    protected SimulatedI2cDevice(int address) => ConnectionSettings = new I2cConnectionSettings(1, address);

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Bytes of every write (including the register address of write-then-read transfers), in order.</summary>
    public List<byte[]> Writes { get; } = [];

    /// <summary>Bytes of every read, in order.</summary>
    public List<byte[]> Reads { get; } = [];

    public override byte ReadByte() => throw new NotSupportedException("The drivers always address a register first.");

    public override void Read(Span<byte> buffer) => throw new NotSupportedException("The drivers always address a register first.");

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Writes.Add(buffer.ToArray());
        byte register = buffer[0];
        foreach (byte value in buffer[1..])
        {
            OnWrite(register++, value);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Writes.Add(writeBuffer.ToArray());
        ReadFrom(writeBuffer[0], readBuffer);
        Reads.Add(readBuffer.ToArray());
    }

    protected virtual void OnWrite(byte register, byte value) => Registers[register] = value;

    protected virtual void ReadFrom(byte register, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Registers[(byte)(register + i)];
        }
    }
}
