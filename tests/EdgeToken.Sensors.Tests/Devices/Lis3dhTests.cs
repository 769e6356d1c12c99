using EdgeToken.Sensors.Devices.Lis3dh;

namespace EdgeToken.Sensors.Tests.Devices;

public sealed class Lis3dhTests
{
    [Fact]
    public void ChecksWhoAmIAndExplainsAMismatch()
    {
        var chip = new SimulatedLis3dh();
        _ = new Lis3dh(chip);
        Assert.Equal([[0x0F]], chip.Writes);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new Lis3dh(new SimulatedLis3dh(whoAmI: 0x32)));
        Assert.Contains("0x18", error.Message);
        Assert.Contains("expected 0x33", error.Message);
    }

    [Fact]
    public void ConfigureWritesDatasheetBytesInOrder()
    {
        var chip = new SimulatedLis3dh();
        var lis = new Lis3dh(chip);
        chip.Writes.Clear();
        lis.Configure(DataRate.Hz1344, FullScale.PlusMinus4, OperatingMode.HighResolution, watermark: 24);
        Assert.Equal(
        [
            [0x20, 0x00], // CTRL_REG1: power-down while configuring
            [0x23, 0x98], // CTRL_REG4: BDU | FS=01 (±4 g) | HR
            [0x24, 0x40], // CTRL_REG5: FIFO_EN
            [0x2E, 0x00], // FIFO_CTRL_REG: bypass (empties the FIFO)
            [0x2E, 0x98], // FIFO_CTRL_REG: stream (10), FTH 24
            [0x22, 0x04], // CTRL_REG3: I1_WTM
            [0x20, 0x97], // CTRL_REG1: ODR 1001 (1.344 kHz), LPen 0, Z/Y/X enabled
        ], chip.Writes);
        Assert.Equal(1344, lis.SampleRateHz);
        Assert.Equal(0.002f, lis.GPerCount);
    }

    [Theory]
    [InlineData(DataRate.Hz1344, FullScale.PlusMinus16, OperatingMode.LowPower, 5376, 0.192f, 0x9F, 0xB0)]
    [InlineData(DataRate.LowPowerHz1620, FullScale.PlusMinus2, OperatingMode.LowPower, 1620, 0.016f, 0x8F, 0x80)]
    [InlineData(DataRate.Hz400, FullScale.PlusMinus8, OperatingMode.Normal, 400, 0.016f, 0x77, 0xA0)]
    [InlineData(DataRate.Hz100, FullScale.PlusMinus16, OperatingMode.HighResolution, 100, 0.012f, 0x57, 0xB8)]
    public void RateSensitivityAndControlBytesFollowTheMode(DataRate rate, FullScale scale, OperatingMode mode, double hz, float gPerCount, byte ctrl1, byte ctrl4)
    {
        var chip = new SimulatedLis3dh();
        var lis = new Lis3dh(chip);
        lis.Configure(rate, scale, mode);
        Assert.Equal(hz, lis.SampleRateHz);
        Assert.Equal(gPerCount, lis.GPerCount, 1e-6f);
        Assert.Equal([0x20, ctrl1], chip.Writes[^1]);
        Assert.Equal([0x23, ctrl4], chip.Writes[2]);
    }

    [Fact]
    public void RejectsImpossibleConfigurations()
    {
        var lis = new Lis3dh(new SimulatedLis3dh());
        Assert.Throws<ArgumentException>(() => lis.Configure(DataRate.LowPowerHz1620, FullScale.PlusMinus2, OperatingMode.HighResolution));
        Assert.Throws<ArgumentException>(() => lis.Configure(DataRate.PowerDown, FullScale.PlusMinus2));
        Assert.Throws<ArgumentOutOfRangeException>(() => lis.Configure(DataRate.Hz100, FullScale.PlusMinus2, watermark: 32));
    }

    [Fact]
    public void DrainsTheFifoInOneAutoIncrementingBurst()
    {
        var chip = new SimulatedLis3dh();
        var lis = new Lis3dh(chip);
        lis.Configure(DataRate.Hz1344, FullScale.PlusMinus4, OperatingMode.HighResolution, watermark: 16);
        for (int i = 0; i < 20; i++)
        {
            // 12-bit counts i, -2i, 500 + i, left-justified by 4 bits as the part stores them.
            chip.Measure((short)(i << 4), (short)(-2 * i << 4), (short)((500 + i) << 4));
        }

        FifoStatus status = lis.ReadFifoStatus();
        Assert.Equal(new FifoStatus(20, WatermarkReached: true, Overrun: false), status);

        chip.Writes.Clear();
        chip.Reads.Clear();
        float[] xyz = new float[32 * 3];
        Assert.Equal(20, lis.ReadFifo(xyz));
        Assert.Equal([[0x2F], [0xA8]], chip.Writes); // FIFO_SRC_REG, then OUT_X_L | auto-increment
        Assert.Equal(2, chip.Reads.Count);
        Assert.Equal(120, chip.Reads[1].Length);       // one burst: 20 samples x 6 bytes
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i * 0.002f, xyz[3 * i], 1e-6f);
            Assert.Equal(-2 * i * 0.002f, xyz[(3 * i) + 1], 1e-6f);
            Assert.Equal((500 + i) * 0.002f, xyz[(3 * i) + 2], 1e-6f);
        }

        Assert.Equal(new FifoStatus(0, false, false), lis.ReadFifoStatus());
        Assert.Equal(0, lis.ReadFifo(xyz));
    }

    [Fact]
    public void AFullStreamFifoKeepsTheNewest32AndPartialReadsLeaveTheRest()
    {
        var chip = new SimulatedLis3dh();
        var lis = new Lis3dh(chip);
        lis.Configure(DataRate.Hz1344, FullScale.PlusMinus2, OperatingMode.Normal, watermark: 8);
        for (int i = 0; i < 40; i++)
        {
            chip.Measure((short)(i << 6), 0, (short)(-i << 6)); // 10-bit counts, left-justified by 6
        }

        Assert.Equal(8, chip.Overwritten);
        Assert.Equal(new FifoStatus(32, WatermarkReached: true, Overrun: true), lis.ReadFifoStatus());

        float[] first = new float[10 * 3];
        Assert.Equal(10, lis.ReadFifo(first));
        Assert.Equal(8 * 0.004f, first[0], 1e-6f);   // the oldest kept sample is number 8
        Assert.Equal(-17 * 0.004f, first[^1], 1e-6f); // sample 17's Z
        Assert.Equal(new FifoStatus(22, true, false), lis.ReadFifoStatus());

        float[] rest = new float[32 * 3];
        Assert.Equal(22, lis.ReadFifo(rest));
        Assert.Equal(18 * 0.004f, rest[0], 1e-6f);
        Assert.Equal(39 * 0.004f, rest[21 * 3], 1e-6f);
    }

    [Fact]
    public void ReadAccelerationUsesAutoIncrementAndKeepsTheSign()
    {
        var chip = new SimulatedLis3dh();
        var lis = new Lis3dh(chip);
        chip.Measure(-2048 << 4, 1000 << 4, 2047 << 4); // FIFO still in bypass: plain output registers
        chip.Writes.Clear();
        (float x, float y, float z) = lis.ReadAcceleration();
        Assert.Equal([[0xA8]], chip.Writes);
        Assert.Equal(-2.048f, x, 1e-6f);
        Assert.Equal(1.0f, y, 1e-6f);
        Assert.Equal(2.047f, z, 1e-6f);
    }
}
