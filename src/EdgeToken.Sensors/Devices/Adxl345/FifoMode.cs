namespace EdgeToken.Sensors.Devices.Adxl345;

/// <summary>FIFO_CTL bits 7:6.</summary>
public enum FifoMode : byte
{
    /// <summary>FIFO bypassed; only the latest sample is available.</summary>
    Bypass = 0b00,

    /// <summary>Collects up to 32 samples, then stops.</summary>
    Fifo = 0b01,

    /// <summary>Keeps the latest 32 samples, overwriting the oldest: the continuous-streaming mode.</summary>
    Stream = 0b10,

    /// <summary>Stream until a trigger event, then keeps the samples around it.</summary>
    Trigger = 0b11,
}
