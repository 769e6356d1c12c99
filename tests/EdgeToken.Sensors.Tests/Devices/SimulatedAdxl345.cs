namespace EdgeToken.Sensors.Tests.Devices;

/// <summary>ADXL345 register model: DEVID 0xE5, BW_RATE resets to 0x0A, a 32-entry FIFO that pops on each read starting at DATAX0.</summary>
internal sealed class SimulatedAdxl345 : SimulatedI2cDevice
{
    private readonly Queue<byte[]> _fifo = new();

    public SimulatedAdxl345(byte deviceId = 0xE5)
        : base(0x53)
    {
        Registers[0x00] = deviceId;
        Registers[0x2C] = 0x0A;
    }

    /// <summary>Queues one sample as the six raw DATAX0..DATAZ1 bytes.</summary>
    public void PushSample(params byte[] sixBytes)
    {
        Assert.Equal(6, sixBytes.Length);
        _fifo.Enqueue(sixBytes);
        if (_fifo.Count > 33)
        {
            _fifo.Dequeue(); // stream mode: oldest overwritten
        }
    }

    protected override void ReadFrom(byte register, Span<byte> destination)
    {
        if (register == 0x39)
        {
            Registers[0x39] = (byte)Math.Min(_fifo.Count, 32);
        }

        if (register == 0x32 && _fifo.Count > 0)
        {
            _fifo.Dequeue().CopyTo(Registers, 0x32);
        }

        base.ReadFrom(register, destination);
    }
}
