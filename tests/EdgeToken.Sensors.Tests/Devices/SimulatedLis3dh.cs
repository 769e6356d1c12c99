namespace EdgeToken.Sensors.Tests.Devices;

/// <summary>
/// LIS3DH register model: WHO_AM_I 0x33; the sub-address auto-increments only with bit 7 set;
/// with the FIFO enabled and not in bypass, the output registers serve the oldest FIFO sample,
/// reading OUT_Z_H pops it, and an auto-incrementing burst wraps from 0x2D to 0x28; stream mode
/// keeps the newest 32 samples; FIFO_SRC_REG reports WTM/OVRN_FIFO/EMPTY/FSS.
/// </summary>
internal sealed class SimulatedLis3dh : SimulatedI2cDevice
{
    private readonly Queue<byte[]> _fifo = new();

    public SimulatedLis3dh(byte whoAmI = 0x33)
        : base(0x18)
    {
        Registers[0x0F] = whoAmI;
        Registers[0x20] = 0x07; // CTRL_REG1 reset value: power-down, axes enabled
    }

    /// <summary>Samples overwritten in stream mode before anyone read them.</summary>
    public int Overwritten { get; private set; }

    private bool FifoActive => (Registers[0x24] & 0x40) != 0 && (Registers[0x2E] >> 6) != 0;

    /// <summary>The sensor measures one sample: raw left-justified 16-bit values as the part stores them.</summary>
    public void Measure(short x, short y, short z)
    {
        byte[] bytes = [(byte)x, (byte)(x >> 8), (byte)y, (byte)(y >> 8), (byte)z, (byte)(z >> 8)];
        bytes.CopyTo(Registers, 0x28);
        if (!FifoActive)
        {
            return;
        }

        _fifo.Enqueue(bytes);
        if (_fifo.Count > 32)
        {
            _fifo.Dequeue(); // stream mode: the oldest sample is overwritten
            Overwritten++;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Writes.Add(buffer.ToArray());
        byte register = (byte)(buffer[0] & 0x7F);
        bool increment = (buffer[0] & 0x80) != 0;
        foreach (byte value in buffer[1..])
        {
            OnWrite(register, value);
            if (increment)
            {
                register++;
            }
        }
    }

    protected override void OnWrite(byte register, byte value)
    {
        base.OnWrite(register, value);
        if (register == 0x2E && value >> 6 == 0)
        {
            _fifo.Clear(); // bypass mode resets the FIFO
        }
    }

    protected override void ReadFrom(byte subAddress, Span<byte> destination)
    {
        byte register = (byte)(subAddress & 0x7F);
        bool increment = (subAddress & 0x80) != 0;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ReadOne(register);
            if (increment)
            {
                register = register == 0x2D && FifoActive ? (byte)0x28 : (byte)(register + 1);
            }
        }
    }

    private byte ReadOne(byte register)
    {
        if (register == 0x2F)
        {
            int count = _fifo.Count;
            int threshold = Registers[0x2E] & 0x1F;
            return (byte)((count > threshold ? 0x80 : 0) | (count == 32 ? 0x40 : 0) | (count == 0 ? 0x20 : 0) | Math.Min(count, 31));
        }

        if (register is >= 0x28 and <= 0x2D && FifoActive && _fifo.Count > 0)
        {
            byte value = _fifo.Peek()[register - 0x28];
            if (register == 0x2D)
            {
                _fifo.Dequeue();
            }

            return value;
        }

        return Registers[register];
    }
}
