using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeToken.Sensors.Devices.Mpu6050;

/// <summary>
/// InvenSense MPU-6050 accelerometer (gyroscope unused) on I2C, streaming accelerometer samples
/// through its 1024-byte FIFO. See README.md in this folder.
/// </summary>
public sealed class Mpu6050 : IDisposable
{
    /// <summary>I2C address with AD0 low.</summary>
    public const byte DefaultI2cAddress = 0x68;

    /// <summary>I2C address with AD0 high.</summary>
    public const byte AlternateI2cAddress = 0x69;

    /// <summary>Fixed WHO_AM_I content (bits 6:1 of the address, AD0 not reflected).</summary>
    public const byte ExpectedWhoAmI = 0x68;

    /// <summary>FIFO size in bytes.</summary>
    public const int FifoBytes = 1024;

    /// <summary>Bytes one accelerometer sample occupies in the FIFO (X, Y, Z big-endian).</summary>
    public const int SampleBytes = 6;

    /// <summary>
    /// FIFO bytes read per I2C transfer: a whole number of samples below 256, since many I2C
    /// adapters (Linux i2c-dev with SMBus emulation, some bridges) cap a read at 255 bytes.
    /// </summary>
    private const int BurstBytes = 42 * SampleBytes;

    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;
    private readonly byte[] _burst = new byte[BurstBytes];

    /// <summary>Wraps <paramref name="device"/> and checks WHO_AM_I.</summary>
    public Mpu6050(I2cDevice device, bool ownsDevice = false)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        byte id = ReadRegister(Register.WhoAmI);
        if (id != ExpectedWhoAmI)
        {
            throw new InvalidOperationException(
                $"No MPU-6050 at I2C bus {device.ConnectionSettings.BusId} address 0x{device.ConnectionSettings.DeviceAddress:X2}: WHO_AM_I reads 0x{id:X2}, expected 0x68. Check the address (0x68 with AD0 low, 0x69 high) and wiring; an MPU-6500/9250 answers 0x70/0x71 and needs its own driver.");
        }
    }

    /// <summary>g per LSB of the configured range.</summary>
    public float GPerLsb { get; private set; } = 1f / 16384;

    /// <summary>Sample rate set by <see cref="Configure"/>.</summary>
    public double SampleRateHz { get; private set; } = 1000;

    /// <summary>Times the FIFO overflowed (samples were lost); the FIFO is reset each time.</summary>
    public long FifoOverflows { get; private set; }

    /// <summary>
    /// Wakes the part on the X-gyro PLL clock, sets the digital low-pass filter, range and sample
    /// rate (1 kHz / (1 + divider) with the DLPF on), resets the FIFO and enables accelerometer samples into it.
    /// </summary>
    /// <param name="sampleRateDivider">SMPLRT_DIV: 0 gives 1 kHz, the accelerometer's maximum output rate.</param>
    /// <param name="range">Full-scale range.</param>
    /// <param name="dlpfConfig">DLPF_CFG 1..6 (1 = 184 Hz accelerometer bandwidth).</param>
    public void Configure(byte sampleRateDivider, AccelerometerRange range, byte dlpfConfig = 1)
    {
        if (dlpfConfig is < 1 or > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(dlpfConfig), dlpfConfig, "DLPF_CFG must be 1..6 so the sample clock is 1 kHz (0 and 7 switch the gyro rate to 8 kHz while the accelerometer stays at 1 kHz).");
        }

        WriteRegister(Register.PwrMgmt1, 0x01);
        WriteRegister(Register.Config, dlpfConfig);
        WriteRegister(Register.SmplrtDiv, sampleRateDivider);
        WriteRegister(Register.AccelConfig, (byte)((byte)range << 3));
        WriteRegister(Register.FifoEn, 0x00);
        WriteRegister(Register.UserCtrl, 0x04); // FIFO_RESET while the FIFO is disabled
        WriteRegister(Register.UserCtrl, 0x40); // FIFO_EN
        WriteRegister(Register.FifoEn, 0x08);   // ACCEL_FIFO_EN
        GPerLsb = 1f / (16384 >> (int)range);
        SampleRateHz = 1000.0 / (1 + sampleRateDivider);
    }

    /// <summary>Bytes waiting in the FIFO.</summary>
    public int FifoCount()
    {
        Span<byte> count = stackalloc byte[2];
        _device.WriteRead([(byte)Register.FifoCountH], count);
        return BinaryPrimitives.ReadUInt16BigEndian(count);
    }

    /// <summary>Reads the current sample of all three axes in g (one 6-byte burst from ACCEL_XOUT_H).</summary>
    public (float X, float Y, float Z) ReadAcceleration()
    {
        Span<byte> data = stackalloc byte[6];
        _device.WriteRead([(byte)Register.AccelXoutH], data);
        return (BinaryPrimitives.ReadInt16BigEndian(data) * GPerLsb,
                BinaryPrimitives.ReadInt16BigEndian(data[2..]) * GPerLsb,
                BinaryPrimitives.ReadInt16BigEndian(data[4..]) * GPerLsb);
    }

    /// <summary>
    /// Drains whole samples from the FIFO into interleaved X, Y, Z values in g; returns the number
    /// of samples. On overflow (INT_STATUS bit 4) the FIFO content is no longer sample-aligned, so
    /// it is reset, <see cref="FifoOverflows"/> counted, and nothing is returned for this call.
    /// </summary>
    public int ReadFifo(Span<float> xyz)
    {
        if ((ReadRegister(Register.IntStatus) & 0x10) != 0)
        {
            FifoOverflows++;
            WriteRegister(Register.UserCtrl, 0x44); // FIFO_EN | FIFO_RESET
            return 0;
        }

        int samples = Math.Min(FifoCount() / SampleBytes, xyz.Length / 3);
        int done = 0;
        while (done < samples)
        {
            int chunk = Math.Min(samples - done, BurstBytes / SampleBytes);
            Span<byte> bytes = _burst.AsSpan(0, chunk * SampleBytes);
            _device.WriteRead([(byte)Register.FifoRw], bytes);
            for (int i = 0; i < chunk * 3; i++)
            {
                xyz[(done * 3) + i] = BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..]) * GPerLsb;
            }

            done += chunk;
        }

        return done;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    private byte ReadRegister(Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([(byte)register], value);
        return value[0];
    }

    private void WriteRegister(Register register, byte value) => _device.Write([(byte)register, value]);
}
