namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>Resolution/power trade-off, set by LPen (CTRL_REG1 bit 3) and HR (CTRL_REG4 bit 3).</summary>
public enum OperatingMode
{
    /// <summary>8-bit samples, highest rates (5.376 kHz), lowest current.</summary>
    LowPower,

    /// <summary>10-bit samples.</summary>
    Normal,

    /// <summary>12-bit samples; the choice for vibration analysis below 1.344 kHz.</summary>
    HighResolution,
}
