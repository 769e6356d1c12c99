using EdgeToken.Sensors.Devices.Mpu6050;

namespace EdgeToken.Sensors.Tests.Devices;

public sealed class Mpu6050Tests
{
    [Fact]
    public void ConfigureWritesRegisterMapBytesInOrder()
    {
        var chip = new SimulatedMpu6050();
        var mpu = new Mpu6050(chip);
        Assert.Equal([[0x75]], chip.Writes);
        chip.Writes.Clear();
        mpu.Configure(sampleRateDivider: 0, AccelerometerRange.PlusMinus16, dlpfConfig: 1);
        Assert.Equal(
        [
            [0x6B, 0x01], // wake, PLL with X gyro
            [0x1A, 0x01], // DLPF 184 Hz, 1 kHz sample clock
            [0x19, 0x00], // 1 kHz / (1 + 0)
            [0x1C, 0x18], // AFS_SEL = 3: ±16 g
            [0x23, 0x00],
            [0x6A, 0x04], // FIFO reset
            [0x6A, 0x40], // FIFO enable
            [0x23, 0x08], // accelerometer into FIFO
        ], chip.Writes);
        Assert.Equal(1000, mpu.SampleRateHz);
        Assert.Equal(1f / 2048, mpu.GPerLsb);
    }

    [Fact]
    public void RejectsWrongWhoAmI()
    {
        var chip = new SimulatedMpu6050();
        chip.Write([0x75, 0x70]); // an MPU-6500
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new Mpu6050(chip));
        Assert.Contains("0x70", error.Message);
    }

    [Fact]
    public void DrainsWholeSamplesBigEndianInBurstsBelow256Bytes()
    {
        var chip = new SimulatedMpu6050();
        var mpu = new Mpu6050(chip);
        mpu.Configure(0, AccelerometerRange.PlusMinus2);
        // 50 samples (300 bytes) plus 4 bytes of a sample still being written.
        for (int i = 0; i < 50; i++)
        {
            chip.PushFifo(0x40, 0x00, 0xC0, 0x00, (byte)(i >> 8), (byte)i); // +1 g, -1 g, i LSB
        }

        chip.PushFifo(1, 2, 3, 4);
        chip.Writes.Clear();
        chip.Reads.Clear();

        float[] xyz = new float[3 * 64];
        Assert.Equal(50, mpu.ReadFifo(xyz));
        Assert.Equal([[0x3A], [0x72], [0x74], [0x74]], chip.Writes);
        Assert.Equal(new byte[] { 0x01, 0x30 }, chip.Reads[1]); // 304 bytes, big-endian
        Assert.Equal(252, chip.Reads[2].Length);
        Assert.Equal(48, chip.Reads[3].Length);
        Assert.Equal(1f, xyz[0]);
        Assert.Equal(-1f, xyz[1]);
        Assert.Equal(49f / 16384, xyz[(49 * 3) + 2]);
        Assert.Equal(4, chip.FifoLength); // the partial sample stays for next time
    }

    [Fact]
    public void OverflowResetsFifoAndIsCounted()
    {
        var chip = new SimulatedMpu6050();
        var mpu = new Mpu6050(chip);
        mpu.Configure(0, AccelerometerRange.PlusMinus2);
        chip.PushFifo(new byte[1024]);
        chip.Overflowed = true;
        chip.Writes.Clear();
        Assert.Equal(0, mpu.ReadFifo(new float[30]));
        Assert.Equal(1, mpu.FifoOverflows);
        Assert.Equal([[0x3A], [0x6A, 0x44]], chip.Writes);
        Assert.Equal(0, chip.FifoLength);
    }
}
