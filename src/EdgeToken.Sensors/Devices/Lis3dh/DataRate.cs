namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>CTRL_REG1 ODR[3:0] codes.</summary>
public enum DataRate : byte
{
    /// <summary>Power-down.</summary>
    PowerDown = 0x0,

    /// <summary>1 Hz.</summary>
    Hz1 = 0x1,

    /// <summary>10 Hz.</summary>
    Hz10 = 0x2,

    /// <summary>25 Hz.</summary>
    Hz25 = 0x3,

    /// <summary>50 Hz.</summary>
    Hz50 = 0x4,

    /// <summary>100 Hz.</summary>
    Hz100 = 0x5,

    /// <summary>200 Hz.</summary>
    Hz200 = 0x6,

    /// <summary>400 Hz.</summary>
    Hz400 = 0x7,

    /// <summary>1.620 kHz, low-power mode only.</summary>
    LowPowerHz1620 = 0x8,

    /// <summary>1.344 kHz in normal and high-resolution modes; 5.376 kHz in low-power mode.</summary>
    Hz1344 = 0x9,
}
