using System.Device.I2c;
using System.Globalization;
using EdgeToken.Sensors.Devices.Adxl345;
using EdgeToken.Sensors.Devices.Lis3dh;
using Adxl345Rate = EdgeToken.Sensors.Devices.Adxl345.DataRate;
using Lis3dhRate = EdgeToken.Sensors.Devices.Lis3dh.DataRate;

namespace EdgeToken.Cli.Commands;

/// <summary>The accelerometers <c>record --source i2c:...</c> drives.</summary>
internal enum I2cPart
{
    Adxl345,
    Lis3dh,
}

/// <summary>
/// One FIFO accelerometer behind a common face for a capture: configured at a data rate the part has, drained
/// in bursts into interleaved X, Y, Z in g.
/// </summary>
internal sealed class I2cAccelerometer : IDisposable
{
    private readonly Adxl345? _adxl345;
    private readonly Lis3dh? _lis3dh;

    private I2cAccelerometer(Adxl345? adxl345, Lis3dh? lis3dh, double sampleRateHz)
    {
        _adxl345 = adxl345;
        _lis3dh = lis3dh;
        SampleRateHz = sampleRateHz;
    }

    /// <summary>The part's output data rate in Hz.</summary>
    public double SampleRateHz { get; }

    /// <summary>Both parts hold 32 samples.</summary>
    public const int FifoDepth = 32;

    /// <summary>Rate used when <c>--rate</c> is not given: the fastest each part sustains on a 400 kHz bus with
    /// its FIFO drained in time (ADXL345: one 6-byte transaction per sample; LIS3DH: one burst per FIFO).</summary>
    public static double DefaultRateHz(I2cPart part) => part == I2cPart.Adxl345 ? 800 : 400;

    /// <summary>The part an address suggests when the source does not name one (each part's two strap options).</summary>
    public static I2cPart? PartAt(int address) => address switch
    {
        Adxl345.DefaultI2cAddress or Adxl345.AlternateI2cAddress => I2cPart.Adxl345,
        Lis3dh.DefaultI2cAddress or Lis3dh.AlternateI2cAddress => I2cPart.Lis3dh,
        _ => null,
    };

    /// <summary>Checks the part's identity register, configures ±4 g (enough for axle-box vibration without
    /// clipping the fault impacts of the simulator's scale) at <paramref name="rateHz"/>, FIFO in stream mode.</summary>
    /// <exception cref="CliUsageException">The rate is not one the part has, or the part does not answer as itself.</exception>
    public static I2cAccelerometer Open(I2cDevice device, I2cPart part, double rateHz, string where)
    {
        try
        {
            if (part == I2cPart.Adxl345)
            {
                var rate = Adxl345RateOf(rateHz) ?? throw new CliUsageException(
                    $"--rate {rateHz.ToString(CultureInfo.InvariantCulture)}: an ADXL345 runs at 6.25, 12.5, 25, 50, 100, 200, 400, 800, 1600 or 3200 Hz");
                var chip = new Adxl345(device, ownsDevice: true);
                chip.Configure(rate, GRange.PlusMinus4);
                return new I2cAccelerometer(chip, null, chip.SampleRateHz);
            }
            else
            {
                var rate = Lis3dhRateOf(rateHz) ?? throw new CliUsageException(
                    $"--rate {rateHz.ToString(CultureInfo.InvariantCulture)}: a LIS3DH runs at 1, 10, 25, 50, 100, 200, 400 or 1344 Hz (high-resolution mode)");
                var chip = new Lis3dh(device, ownsDevice: true);
                chip.Configure(rate, FullScale.PlusMinus4);
                return new I2cAccelerometer(null, chip, chip.SampleRateHz);
            }
        }
        catch (InvalidOperationException e)
        {
            device.Dispose();
            throw new CliUsageException($"{where}: {e.Message}");
        }
    }

    /// <summary>Drains what the FIFO holds (up to <paramref name="xyz"/>.Length / 3 samples); returns the count.</summary>
    public int ReadFifo(Span<float> xyz) => _adxl345 is not null ? _adxl345.ReadFifo(xyz) : _lis3dh!.ReadFifo(xyz);

    public void Dispose()
    {
        _adxl345?.Dispose();
        _lis3dh?.Dispose();
    }

    private static Adxl345Rate? Adxl345RateOf(double hz)
    {
        for (int code = (int)Adxl345Rate.Hz6_25; code <= 0x0F; code++)
        {
            if (Math.Abs(3200.0 / (1 << (0x0F - code)) - hz) < 1e-9) return (Adxl345Rate)code;
        }

        return null;
    }

    private static Lis3dhRate? Lis3dhRateOf(double hz) => hz switch
    {
        1 => Lis3dhRate.Hz1,
        10 => Lis3dhRate.Hz10,
        25 => Lis3dhRate.Hz25,
        50 => Lis3dhRate.Hz50,
        100 => Lis3dhRate.Hz100,
        200 => Lis3dhRate.Hz200,
        400 => Lis3dhRate.Hz400,
        1344 => Lis3dhRate.Hz1344,
        _ => null,
    };
}
