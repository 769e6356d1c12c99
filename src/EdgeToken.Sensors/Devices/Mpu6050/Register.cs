namespace EdgeToken.Sensors.Devices.Mpu6050;

/// <summary>MPU-6050 register addresses (Register Map and Descriptions, RM-MPU-6000A-00 rev. 4.2).</summary>
public enum Register : byte
{
    /// <summary>Sample rate divider: rate = gyroscope output rate / (1 + SMPLRT_DIV).</summary>
    SmplrtDiv = 0x19,

    /// <summary>CONFIG: bits 2:0 DLPF_CFG (0 or 7: gyro output 8 kHz; 1-6: 1 kHz).</summary>
    Config = 0x1A,

    /// <summary>ACCEL_CONFIG: bits 4:3 AFS_SEL.</summary>
    AccelConfig = 0x1C,

    /// <summary>FIFO_EN: bit 3 ACCEL_FIFO_EN.</summary>
    FifoEn = 0x23,

    /// <summary>INT_STATUS: bit 4 FIFO_OFLOW_INT, bit 0 DATA_RDY_INT. Cleared on read.</summary>
    IntStatus = 0x3A,

    /// <summary>ACCEL_XOUT_H; X, Y, Z follow as big-endian pairs up to 0x40.</summary>
    AccelXoutH = 0x3B,

    /// <summary>USER_CTRL: bit 6 FIFO_EN, bit 2 FIFO_RESET.</summary>
    UserCtrl = 0x6A,

    /// <summary>PWR_MGMT_1: bit 6 SLEEP (set at reset), bits 2:0 CLKSEL.</summary>
    PwrMgmt1 = 0x6B,

    /// <summary>FIFO_COUNT_H; with FIFO_COUNT_L a big-endian byte count.</summary>
    FifoCountH = 0x72,

    /// <summary>FIFO_R_W: each read pops one byte; the address does not auto-increment.</summary>
    FifoRw = 0x74,

    /// <summary>WHO_AM_I: reads 0x68.</summary>
    WhoAmI = 0x75,
}
