using System.Device.I2c;
using EdgeToken.Cli.Commands;
using EdgeToken.Sensors.Replay;
using EdgeToken.Sensors.Tests.Devices;

namespace EdgeToken.Sensors.Tests.Cli;

/// <summary><c>edgetoken record --source i2c:...</c>: the capture path over register-level simulated chips (no I2C
/// bus exists here), and the command's errors through the real process.</summary>
public sealed class I2cRecordTests
{
    [Fact]
    public void Adxl345CaptureWritesEverySampleTheFifoHeldInG()
    {
        var chip = new SimulatedAdxl345();
        int next = 0;
        var bus = new FillingBus(chip, statusRegister: 0x39, fill: () =>
        {
            for (int k = 0; k < 5; k++, next++)
            {
                short x = (short)next, y = (short)(-3 * next), z = (short)(256 + next % 7);
                chip.PushSample((byte)x, (byte)(x >> 8), (byte)y, (byte)(y >> 8), (byte)z, (byte)(z >> 8));
            }
        });
        string wav = Path.Combine(CliProcess.TempDir(), "adxl345.wav");

        CaptureResult result;
        using (var accelerometer = I2cAccelerometer.Open(bus, I2cPart.Adxl345, 800, "test"))
        {
            result = SensorCapture.FromI2c(accelerometer, 0.5, TimeSpan.FromSeconds(30), wav, WavEncoding.Float32);
        }

        Assert.True(result.Complete);
        Assert.Equal(400, result.Instants);
        Assert.Contains(chip.Writes, w => w is [0x2C, 0x0D]); // BW_RATE: 800 Hz
        Assert.Contains(chip.Writes, w => w is [0x31, 0x09]); // DATA_FORMAT: full resolution, ±4 g
        float[] samples = ReadAll(wav, out double rate);
        Assert.Equal(800, rate);
        Assert.Equal(400 * 3, samples.Length);
        for (int i = 0; i < 400; i++)
        {
            // Full resolution: 3.9 mg per LSB at every range (datasheet Table 1).
            Assert.Equal(i * 0.0039f, samples[3 * i], 6);
            Assert.Equal(-3 * i * 0.0039f, samples[3 * i + 1], 6);
            Assert.Equal((256 + i % 7) * 0.0039f, samples[3 * i + 2], 6);
        }
    }

    [Fact]
    public void Lis3dhCaptureDrainsTheFifoInBurstsAndKeepsTheOrder()
    {
        var chip = new SimulatedLis3dh();
        int next = 0;
        var bus = new FillingBus(chip, statusRegister: 0x2F, fill: () =>
        {
            for (int k = 0; k < 7; k++, next++) chip.Measure((short)(next << 4), (short)(-next << 4), (short)(500 << 4));
        });
        string wav = Path.Combine(CliProcess.TempDir(), "lis3dh.wav");

        CaptureResult result;
        using (var accelerometer = I2cAccelerometer.Open(bus, I2cPart.Lis3dh, 400, "test"))
        {
            result = SensorCapture.FromI2c(accelerometer, 1.0, TimeSpan.FromSeconds(30), wav, WavEncoding.Float32);
        }

        Assert.Equal(400, result.Instants);
        Assert.Contains(chip.Writes, w => w is [0x20, 0x77]); // CTRL_REG1: 400 Hz, X/Y/Z on
        float[] samples = ReadAll(wav, out double rate);
        Assert.Equal(400, rate);
        for (int i = 0; i < 400; i++)
        {
            // High-resolution mode at ±4 g: 2 mg per digit (datasheet Table 4).
            Assert.Equal(i * 0.002f, samples[3 * i], 5);
            Assert.Equal(-i * 0.002f, samples[3 * i + 1], 5);
            Assert.Equal(1.0f, samples[3 * i + 2], 5);
        }
    }

    [Fact]
    public void AWrongPartAtTheAddressIsNamed()
    {
        var bus = new FillingBus(new SimulatedAdxl345(deviceId: 0x00), 0x39, () => { });
        var e = Assert.Throws<CliUsageException>(() => I2cAccelerometer.Open(bus, I2cPart.Adxl345, 800, "i2c:1:0x53:adxl345"));
        Assert.StartsWith("i2c:1:0x53:adxl345: ", e.Message);
    }

    [Theory]
    [InlineData("i2c:97:0x53", "/dev/i2c-97 does not exist")]
    [InlineData("i2c:1:0x99", "is not a 7-bit I2C address")]
    [InlineData("i2c:1:0x40", "name the part")]
    [InlineData("i2c:1:0x18:bmi160", "unknown part 'bmi160'")]
    public void BadI2cSourcesAreOneLineAndExitCode2(string source, string expected)
    {
        string wav = Path.Combine(CliProcess.TempDir(), "never.wav");
        var (exit, _, stderr) = CliProcess.Run("record", "--source", source, "--duration", "1", "--out", wav);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(wav));
    }

    [Fact]
    public void ARateThePartDoesNotHaveIsRefused()
    {
        var e = Assert.Throws<CliUsageException>(() => I2cAccelerometer.Open(new FillingBus(new SimulatedLis3dh(), 0x2F, () => { }), I2cPart.Lis3dh, 500, "x"));
        Assert.Contains("1344", e.Message);
    }

    private static float[] ReadAll(string path, out double rate)
    {
        using IRecordingSource source = RecordingFile.Open(path);
        rate = source.SampleRateHz;
        var all = new List<float>();
        float[] chunk = new float[300];
        int read;
        while ((read = source.Read(chunk)) > 0) all.AddRange(chunk.AsSpan(0, read * source.ChannelCount).ToArray());
        return [.. all];
    }

    /// <summary>A bus in front of a simulated chip whose FIFO gains samples each time its status is polled, as
    /// a chip sampling between polls would.</summary>
    private sealed class FillingBus(SimulatedI2cDevice chip, byte statusRegister, Action fill) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => chip.ConnectionSettings;

        public override byte ReadByte() => chip.ReadByte();

        public override void Read(Span<byte> buffer) => chip.Read(buffer);

        public override void WriteByte(byte value) => chip.WriteByte(value);

        public override void Write(ReadOnlySpan<byte> buffer) => chip.Write(buffer);

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            if ((writeBuffer[0] & 0x7F) == statusRegister) fill();
            chip.WriteRead(writeBuffer, readBuffer);
        }
    }
}
