namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>LIS3DH register addresses (datasheet DocID17530, section 8). On I2C, bit 7 of the sub-address asks for auto-increment.</summary>
public enum Register : byte
{
    /// <summary>Device identification, reads 0x33.</summary>
    WhoAmI = 0x0F,

    /// <summary>ODR bits 7:4, LPen bit 3, Z/Y/X enable bits 2:0.</summary>
    CtrlReg1 = 0x20,

    /// <summary>Interrupt routing to INT1: bit 2 I1_WTM (FIFO watermark), bit 1 I1_OVERRUN.</summary>
    CtrlReg3 = 0x22,

    /// <summary>BDU bit 7, BLE bit 6, FS bits 5:4, HR bit 3.</summary>
    CtrlReg4 = 0x23,

    /// <summary>BOOT bit 7, FIFO_EN bit 6.</summary>
    CtrlReg5 = 0x24,

    /// <summary>Status: bit 3 ZYXDA (new X, Y, Z sample).</summary>
    StatusReg = 0x27,

    /// <summary>X low byte; X, Y, Z follow as little-endian, left-justified two's complement up to 0x2D.</summary>
    OutXL = 0x28,

    /// <summary>Z high byte, the last output register; a burst read wraps from here to <see cref="OutXL"/> and pops the FIFO.</summary>
    OutZH = 0x2D,

    /// <summary>FIFO mode bits 7:6, trigger bit 5, watermark threshold FTH bits 4:0.</summary>
    FifoCtrlReg = 0x2E,

    /// <summary>FIFO status: bit 7 WTM, bit 6 OVRN_FIFO, bit 5 EMPTY, bits 4:0 FSS (unread samples).</summary>
    FifoSrcReg = 0x2F,
}
