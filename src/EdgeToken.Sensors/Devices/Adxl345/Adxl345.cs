using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeToken.Sensors.Devices.Adxl345;

/// <summary>
/// Analog Devices ADXL345 3-axis accelerometer on I2C, configured for continuous streaming
/// through its 32-sample FIFO. See README.md in this folder for wiring and datasheet facts.
/// </summary>
public sealed class Adxl345 : IDisposable
{
    /// <summary>I2C address with ALT ADDRESS (pin 12) tied low.</summary>
    public const byte DefaultI2cAddress = 0x53;

    /// <summary>I2C address with ALT ADDRESS tied high.</summary>
    public const byte AlternateI2cAddress = 0x1D;

    /// <summary>Fixed content of the DEVID register.</summary>
    public const byte ExpectedDeviceId = 0xE5;

    /// <summary>FIFO depth in samples.</summary>
    public const int FifoDepth = 32;

    /// <summary>Scale in full-resolution mode: 3.9 mg/LSB (datasheet typical, 256 LSB/g) at every range.</summary>
    public const float FullResolutionGPerLsb = 0.0039f;

    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;

    /// <summary>Wraps <paramref name="device"/> and checks that an ADXL345 answers.</summary>
    /// <exception cref="InvalidOperationException">DEVID is not 0xE5 (wrong address, wrong part, or wiring).</exception>
    public Adxl345(I2cDevice device, bool ownsDevice = false)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        byte id = ReadRegister(Register.DevId);
        if (id != ExpectedDeviceId)
        {
            throw new InvalidOperationException(
                $"No ADXL345 at I2C bus {device.ConnectionSettings.BusId} address 0x{device.ConnectionSettings.DeviceAddress:X2}: DEVID reads 0x{id:X2}, expected 0xE5. Check the address (0x53 with ALT ADDRESS low, 0x1D high), SDA/SCL wiring and that CS is tied high for I2C.");
        }
    }

    /// <summary>g per LSB of the current configuration.</summary>
    public float GPerLsb { get; private set; } = FullResolutionGPerLsb;

    /// <summary>Configured output data rate.</summary>
    public DataRate Rate { get; private set; } = DataRate.Hz100;

    /// <summary>Output data rate in hertz: 3200 Hz / 2^(15 − code).</summary>
    public double SampleRateHz => 3200.0 / (1 << (0x0F - (int)Rate));

    /// <summary>
    /// Puts the part in standby, sets rate, range/resolution and the FIFO in stream mode with
    /// <paramref name="watermark"/> samples, then starts measuring. Registers are written in
    /// standby because the datasheet recommends configuring before setting the Measure bit.
    /// </summary>
    public void Configure(DataRate rate, GRange range, bool fullResolution = true, int watermark = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(watermark, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(watermark, 31);
        WriteRegister(Register.PowerCtl, 0x00);
        WriteRegister(Register.BwRate, (byte)rate);
        WriteRegister(Register.DataFormat, (byte)((fullResolution ? 0x08 : 0x00) | (byte)range));
        WriteRegister(Register.FifoCtl, (byte)(((byte)FifoMode.Stream << 6) | watermark));
        WriteRegister(Register.PowerCtl, 0x08);
        Rate = rate;
        // 10-bit mode: ±2 g spans 1024 LSB, and each doubling of the range doubles the step.
        GPerLsb = fullResolution ? FullResolutionGPerLsb : FullResolutionGPerLsb * (1 << (int)range);
    }

    /// <summary>Number of samples waiting in the FIFO (FIFO_STATUS bits 5:0).</summary>
    public int FifoEntries() => ReadRegister(Register.FifoStatus) & 0x3F;

    /// <summary>Reads the current sample of all three axes in g with one 6-byte burst (so the axes belong together).</summary>
    public (float X, float Y, float Z) ReadAcceleration()
    {
        Span<float> xyz = stackalloc float[3];
        ReadSample(xyz);
        return (xyz[0], xyz[1], xyz[2]);
    }

    /// <summary>
    /// Drains up to <paramref name="xyz"/>.Length / 3 samples from the FIFO into interleaved X, Y, Z
    /// values in g; returns the number of samples read. Each sample is its own 6-byte burst from
    /// DATAX0, which is how the part pops one FIFO entry.
    /// </summary>
    public int ReadFifo(Span<float> xyz)
    {
        int count = Math.Min(FifoEntries(), xyz.Length / 3);
        for (int i = 0; i < count; i++)
        {
            ReadSample(xyz.Slice(i * 3, 3));
        }

        return count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    private void ReadSample(Span<float> xyz)
    {
        Span<byte> data = stackalloc byte[6];
        _device.WriteRead([(byte)Register.DataX0], data);
        xyz[0] = BinaryPrimitives.ReadInt16LittleEndian(data) * GPerLsb;
        xyz[1] = BinaryPrimitives.ReadInt16LittleEndian(data[2..]) * GPerLsb;
        xyz[2] = BinaryPrimitives.ReadInt16LittleEndian(data[4..]) * GPerLsb;
    }

    private byte ReadRegister(Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([(byte)register], value);
        return value[0];
    }

    private void WriteRegister(Register register, byte value) => _device.Write([(byte)register, value]);
}
