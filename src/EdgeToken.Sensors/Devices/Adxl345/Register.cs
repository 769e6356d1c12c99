namespace EdgeToken.Sensors.Devices.Adxl345;

/// <summary>ADXL345 register addresses (datasheet Rev. G, Table 19).</summary>
public enum Register : byte
{
    /// <summary>Device ID, reads 0xE5.</summary>
    DevId = 0x00,

    /// <summary>Data rate and power mode: bit 4 LOW_POWER, bits 3:0 rate code.</summary>
    BwRate = 0x2C,

    /// <summary>Power-saving features: bit 3 Measure, bit 2 Sleep.</summary>
    PowerCtl = 0x2D,

    /// <summary>Interrupt enable.</summary>
    IntEnable = 0x2E,

    /// <summary>Interrupt source: bit 7 DATA_READY, bit 1 Watermark, bit 0 Overrun.</summary>
    IntSource = 0x30,

    /// <summary>Data format: bit 3 FULL_RES, bit 2 Justify, bits 1:0 range.</summary>
    DataFormat = 0x31,

    /// <summary>X-axis data 0 (LSB); DATAX0..DATAZ1 are six consecutive bytes, little-endian two's complement.</summary>
    DataX0 = 0x32,

    /// <summary>FIFO control: bits 7:6 mode, bit 5 trigger, bits 4:0 samples (watermark).</summary>
    FifoCtl = 0x38,

    /// <summary>FIFO status: bit 7 FIFO_TRIG, bits 5:0 entries.</summary>
    FifoStatus = 0x39,
}
