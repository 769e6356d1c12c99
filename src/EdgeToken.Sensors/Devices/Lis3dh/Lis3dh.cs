using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>
/// STMicroelectronics LIS3DH 3-axis accelerometer on I2C, streaming through its 32-sample FIFO
/// in stream mode and draining it with one auto-incrementing burst read. See README.md in this
/// folder for wiring and datasheet facts.
/// </summary>
public sealed class Lis3dh : IDisposable
{
    /// <summary>I2C address with SDO/SA0 tied low.</summary>
    public const byte DefaultI2cAddress = 0x18;

    /// <summary>I2C address with SDO/SA0 tied high.</summary>
    public const byte AlternateI2cAddress = 0x19;

    /// <summary>Fixed content of WHO_AM_I.</summary>
    public const byte ExpectedWhoAmI = 0x33;

    /// <summary>FIFO depth in samples.</summary>
    public const int FifoDepth = 32;

    /// <summary>Bit 7 of an I2C sub-address: increment the register address after each byte.</summary>
    public const byte AutoIncrement = 0x80;

    private const int BytesPerSample = 6;
    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;
    private int _shift = 4;

    /// <summary>Wraps <paramref name="device"/> and checks that a LIS3DH answers.</summary>
    /// <exception cref="InvalidOperationException">WHO_AM_I is not 0x33 (wrong address, wrong part, or wiring).</exception>
    public Lis3dh(I2cDevice device, bool ownsDevice = false)
    {
        _device = device;
        _ownsDevice = ownsDevice;
        byte id = ReadRegister(Register.WhoAmI);
        if (id != ExpectedWhoAmI)
        {
            throw new InvalidOperationException(
                $"No LIS3DH at I2C bus {device.ConnectionSettings.BusId} address 0x{device.ConnectionSettings.DeviceAddress:X2}: WHO_AM_I reads 0x{id:X2}, expected 0x33. Check the address (0x18 with SDO/SA0 low, 0x19 high), SDA/SCL wiring and that CS is tied high for I2C.");
        }
    }

    /// <summary>g per count of the right-justified sample in the current configuration.</summary>
    public float GPerCount { get; private set; } = 0.001f;

    /// <summary>Output data rate in hertz of the current configuration (0 until configured).</summary>
    public double SampleRateHz { get; private set; }

    /// <summary>
    /// Powers down, sets range, resolution and block data update, enables the FIFO, resets it
    /// through bypass mode, puts it in stream mode with the watermark threshold, routes the
    /// watermark interrupt to INT1, and finally starts sampling at <paramref name="rate"/> with
    /// all three axes.
    /// </summary>
    /// <param name="rate">Output data rate.</param>
    /// <param name="scale">Measurement range.</param>
    /// <param name="mode">Resolution; <see cref="DataRate.LowPowerHz1620"/> needs <see cref="OperatingMode.LowPower"/>.</param>
    /// <param name="watermark">FTH: WTM rises when more than this many samples wait (1..31).</param>
    public void Configure(DataRate rate, FullScale scale, OperatingMode mode = OperatingMode.HighResolution, int watermark = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(watermark, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(watermark, 31);
        if (rate == DataRate.LowPowerHz1620 && mode != OperatingMode.LowPower)
        {
            throw new ArgumentException("The 1.620 kHz output data rate exists only in low-power mode; pass OperatingMode.LowPower or choose DataRate.Hz1344.", nameof(rate));
        }

        if (rate == DataRate.PowerDown)
        {
            throw new ArgumentException("Choose an output data rate; power-down produces no samples.", nameof(rate));
        }

        WriteRegister(Register.CtrlReg1, 0x00);
        // BDU keeps the low and high bytes of an axis from different samples; HR selects 12 bits.
        WriteRegister(Register.CtrlReg4, (byte)(0x80 | ((byte)scale << 4) | (mode == OperatingMode.HighResolution ? 0x08 : 0x00)));
        WriteRegister(Register.CtrlReg5, 0x40);
        WriteRegister(Register.FifoCtrlReg, 0x00); // bypass empties the FIFO before streaming starts
        WriteRegister(Register.FifoCtrlReg, (byte)((0b10 << 6) | watermark));
        WriteRegister(Register.CtrlReg3, 0x04);
        WriteRegister(Register.CtrlReg1, (byte)(((byte)rate << 4) | (mode == OperatingMode.LowPower ? 0x08 : 0x00) | 0x07));

        _shift = mode switch { OperatingMode.HighResolution => 4, OperatingMode.Normal => 6, _ => 8 };
        GPerCount = MilligPerCount(scale, mode) / 1000f;
        SampleRateHz = RateHz(rate, mode);
    }

    /// <summary>Reads FIFO_SRC_REG.</summary>
    public FifoStatus ReadFifoStatus()
    {
        byte src = ReadRegister(Register.FifoSrcReg);
        bool overrun = (src & 0x40) != 0;
        bool empty = (src & 0x20) != 0;
        // FSS has five bits for up to 32 samples: a full FIFO is recognised by OVRN_FIFO, not by FSS.
        int samples = empty ? 0 : overrun ? FifoDepth : src & 0x1F;
        return new FifoStatus(samples, (src & 0x80) != 0, overrun);
    }

    /// <summary>
    /// Drains up to <paramref name="xyz"/>.Length / 3 samples from the FIFO into interleaved X, Y, Z
    /// values in g, oldest first; returns the number read. All of them come in one I2C burst from
    /// OUT_X_L with the auto-increment bit: the part wraps from OUT_Z_H back to OUT_X_L and pops
    /// the next FIFO entry, so n samples cost one transaction of 6n bytes instead of n.
    /// </summary>
    public int ReadFifo(Span<float> xyz) => ReadFifo(xyz, out _);

    /// <summary>
    /// <see cref="ReadFifo(Span{float})"/>, also returning the FIFO_SRC_REG it read first: a streaming reader learns
    /// of an overrun (<see cref="FifoStatus.Overrun"/>: samples were lost) from the same transaction, without a
    /// second status read between which the FIFO could fill and drain unnoticed.
    /// </summary>
    public int ReadFifo(Span<float> xyz, out FifoStatus status)
    {
        status = ReadFifoStatus();
        int count = Math.Min(status.Samples, xyz.Length / 3);
        if (count == 0)
        {
            return 0;
        }

        Span<byte> data = stackalloc byte[FifoDepth * BytesPerSample];
        data = data[..(count * BytesPerSample)];
        _device.WriteRead([(byte)((byte)Register.OutXL | AutoIncrement)], data);
        for (int i = 0; i < count * 3; i++)
        {
            xyz[i] = Decode(data[(2 * i)..]);
        }

        return count;
    }

    /// <summary>Reads the newest sample of all three axes in g with one 6-byte burst.</summary>
    public (float X, float Y, float Z) ReadAcceleration()
    {
        Span<byte> data = stackalloc byte[BytesPerSample];
        _device.WriteRead([(byte)((byte)Register.OutXL | AutoIncrement)], data);
        return (Decode(data), Decode(data[2..]), Decode(data[4..]));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDevice)
        {
            _device.Dispose();
        }
    }

    /// <summary>Sensitivity (datasheet table 4) in mg per right-justified count.</summary>
    private static float MilligPerCount(FullScale scale, OperatingMode mode)
    {
        // ±16 g is not a plain doubling of ±8 g: the datasheet gives 12/48/192 mg per digit.
        float highResolution = scale switch { FullScale.PlusMinus2 => 1, FullScale.PlusMinus4 => 2, FullScale.PlusMinus8 => 4, _ => 12 };
        return mode switch { OperatingMode.HighResolution => highResolution, OperatingMode.Normal => 4 * highResolution, _ => 16 * highResolution };
    }

    private static double RateHz(DataRate rate, OperatingMode mode) => rate switch
    {
        DataRate.Hz1 => 1,
        DataRate.Hz10 => 10,
        DataRate.Hz25 => 25,
        DataRate.Hz50 => 50,
        DataRate.Hz100 => 100,
        DataRate.Hz200 => 200,
        DataRate.Hz400 => 400,
        DataRate.LowPowerHz1620 => 1620,
        _ => mode == OperatingMode.LowPower ? 5376 : 1344,
    };

    /// <summary>Samples are left-justified in 16 bits; an arithmetic shift keeps the sign.</summary>
    private float Decode(ReadOnlySpan<byte> littleEndian) => (BinaryPrimitives.ReadInt16LittleEndian(littleEndian) >> _shift) * GPerCount;

    private byte ReadRegister(Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([(byte)register], value);
        return value[0];
    }

    private void WriteRegister(Register register, byte value) => _device.Write([(byte)register, value]);
}
