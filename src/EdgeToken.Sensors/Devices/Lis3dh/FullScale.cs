namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>CTRL_REG4 FS[1:0]: measurement range.</summary>
public enum FullScale : byte
{
    /// <summary>±2 g.</summary>
    PlusMinus2 = 0,

    /// <summary>±4 g.</summary>
    PlusMinus4 = 1,

    /// <summary>±8 g.</summary>
    PlusMinus8 = 2,

    /// <summary>±16 g.</summary>
    PlusMinus16 = 3,
}
