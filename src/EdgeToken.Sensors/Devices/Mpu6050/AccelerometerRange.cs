namespace EdgeToken.Sensors.Devices.Mpu6050;

/// <summary>AFS_SEL (ACCEL_CONFIG bits 4:3) and its sensitivity.</summary>
public enum AccelerometerRange : byte
{
    /// <summary>±2 g, 16384 LSB/g.</summary>
    PlusMinus2 = 0,

    /// <summary>±4 g, 8192 LSB/g.</summary>
    PlusMinus4 = 1,

    /// <summary>±8 g, 4096 LSB/g.</summary>
    PlusMinus8 = 2,

    /// <summary>±16 g, 2048 LSB/g.</summary>
    PlusMinus16 = 3,
}
