namespace EdgeToken.Sensors.Tests.Devices;

/// <summary>MPU-6050 register model: WHO_AM_I 0x68, PWR_MGMT_1 resets to 0x40, a byte FIFO behind FIFO_R_W with a big-endian count.</summary>
internal sealed class SimulatedMpu6050 : SimulatedI2cDevice
{
    private readonly Queue<byte> _fifo = new();

    public SimulatedMpu6050()
        : base(0x68)
    {
        Registers[0x75] = 0x68;
        Registers[0x6B] = 0x40;
    }

    public bool Overflowed { get; set; }

    public void PushFifo(params byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            _fifo.Enqueue(b);
        }
    }

    public int FifoLength => _fifo.Count;

    protected override void OnWrite(byte register, byte value)
    {
        base.OnWrite(register, value);
        if (register == 0x6A && (value & 0x04) != 0)
        {
            _fifo.Clear();
            Overflowed = false;
        }
    }

    protected override void ReadFrom(byte register, Span<byte> destination)
    {
        switch (register)
        {
            case 0x74:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = _fifo.Dequeue(); // FIFO_R_W does not auto-increment
                }

                return;
            case 0x72:
                Registers[0x72] = (byte)(_fifo.Count >> 8);
                Registers[0x73] = (byte)_fifo.Count;
                break;
            case 0x3A:
                Registers[0x3A] = (byte)(Overflowed ? 0x10 : 0x00);
                break;
        }

        base.ReadFrom(register, destination);
    }
}
