namespace EdgeToken.Sensors.Devices.Adxl345;

/// <summary>Measurement range, DATA_FORMAT bits 1:0.</summary>
public enum GRange : byte
{
    /// <summary>±2 g.</summary>
    PlusMinus2 = 0b00,

    /// <summary>±4 g.</summary>
    PlusMinus4 = 0b01,

    /// <summary>±8 g.</summary>
    PlusMinus8 = 0b10,

    /// <summary>±16 g (axle boxes see tens of g in impacts; pick this for bearing work).</summary>
    PlusMinus16 = 0b11,
}
