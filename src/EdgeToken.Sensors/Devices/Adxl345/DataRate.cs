namespace EdgeToken.Sensors.Devices.Adxl345;

/// <summary>Output data rate codes for BW_RATE bits 3:0 (datasheet Table 7). Bandwidth is half the rate.</summary>
public enum DataRate : byte
{
    /// <summary>6.25 Hz.</summary>
    Hz6_25 = 0x06,

    /// <summary>12.5 Hz.</summary>
    Hz12_5 = 0x07,

    /// <summary>25 Hz.</summary>
    Hz25 = 0x08,

    /// <summary>50 Hz.</summary>
    Hz50 = 0x09,

    /// <summary>100 Hz (reset default).</summary>
    Hz100 = 0x0A,

    /// <summary>200 Hz.</summary>
    Hz200 = 0x0B,

    /// <summary>400 Hz.</summary>
    Hz400 = 0x0C,

    /// <summary>800 Hz: the highest rate a 400 kHz I2C bus sustains comfortably.</summary>
    Hz800 = 0x0D,

    /// <summary>1600 Hz (use SPI).</summary>
    Hz1600 = 0x0E,

    /// <summary>3200 Hz (use SPI; 1.6 kHz bandwidth, the useful limit for bearing work with this part).</summary>
    Hz3200 = 0x0F,
}
