using EdgeToken.Sensors.Devices.Adxl345;

namespace EdgeToken.Sensors.Tests.Devices;

public sealed class Adxl345Tests
{
    [Fact]
    public void ChecksDeviceIdAndExplainsAMismatch()
    {
        var chip = new SimulatedAdxl345();
        _ = new Adxl345(chip);
        Assert.Equal([[0x00]], chip.Writes);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new Adxl345(new SimulatedAdxl345(deviceId: 0x00)));
        Assert.Contains("0x53", error.Message);
        Assert.Contains("expected 0xE5", error.Message);
    }

    [Fact]
    public void ConfigureWritesDatasheetBytesInOrder()
    {
        var chip = new SimulatedAdxl345();
        var adxl = new Adxl345(chip);
        chip.Writes.Clear();
        adxl.Configure(DataRate.Hz3200, GRange.PlusMinus16, fullResolution: true, watermark: 16);
        Assert.Equal(
        [
            [0x2D, 0x00], // POWER_CTL: standby while configuring
            [0x2C, 0x0F], // BW_RATE: 3200 Hz
            [0x31, 0x0B], // DATA_FORMAT: FULL_RES | ±16 g
            [0x38, 0x90], // FIFO_CTL: stream mode (10), watermark 16
            [0x2D, 0x08], // POWER_CTL: Measure
        ], chip.Writes);
        Assert.Equal(3200, adxl.SampleRateHz);
        Assert.Equal(0.0039f, adxl.GPerLsb);
    }

    [Theory]
    [InlineData(DataRate.Hz100, 100)]
    [InlineData(DataRate.Hz6_25, 6.25)]
    [InlineData(DataRate.Hz800, 800)]
    public void RateCodesMapToHertz(DataRate rate, double hz)
    {
        var adxl = new Adxl345(new SimulatedAdxl345());
        adxl.Configure(rate, GRange.PlusMinus2);
        Assert.Equal(hz, adxl.SampleRateHz);
    }

    [Fact]
    public void TenBitModeScalesWithRange()
    {
        var chip = new SimulatedAdxl345();
        var adxl = new Adxl345(chip);
        chip.Writes.Clear();
        adxl.Configure(DataRate.Hz100, GRange.PlusMinus8, fullResolution: false, watermark: 1);
        Assert.Equal(new byte[] { 0x31, 0x02 }, chip.Writes[2]);
        Assert.Equal(new byte[] { 0x38, 0x81 }, chip.Writes[3]);
        Assert.Equal(0.0039f * 4, adxl.GPerLsb);
    }

    [Fact]
    public void DrainsFifoWithOneSixByteBurstPerEntry()
    {
        var chip = new SimulatedAdxl345();
        var adxl = new Adxl345(chip);
        adxl.Configure(DataRate.Hz3200, GRange.PlusMinus16);
        // +1 g on Z (256 LSB = 0x0100), -1 g on X (0xFF00), 0 on Y; then X = +4095 LSB (13-bit max at ±16 g).
        chip.PushSample(0x00, 0xFF, 0x00, 0x00, 0x00, 0x01);
        chip.PushSample(0xFF, 0x0F, 0x00, 0x00, 0x01, 0x00);
        chip.Writes.Clear();

        float[] xyz = new float[3 * 8];
        Assert.Equal(2, adxl.ReadFifo(xyz));
        Assert.Equal([[0x39], [0x32], [0x32]], chip.Writes);
        Assert.Equal(6, chip.Reads[^1].Length);
        Assert.Equal([-256 * 0.0039f, 0f, 256 * 0.0039f, 4095 * 0.0039f, 0f, 1 * 0.0039f], xyz[..6]);
        Assert.Equal(0, adxl.FifoEntries());
    }

    [Fact]
    public void ReadFifoStopsAtDestinationCapacity()
    {
        var chip = new SimulatedAdxl345();
        var adxl = new Adxl345(chip);
        for (int i = 0; i < 5; i++)
        {
            chip.PushSample((byte)i, 0, 0, 0, 0, 0);
        }

        float[] xyz = new float[6];
        Assert.Equal(2, adxl.ReadFifo(xyz));
        Assert.Equal(3, adxl.FifoEntries());
    }
}
