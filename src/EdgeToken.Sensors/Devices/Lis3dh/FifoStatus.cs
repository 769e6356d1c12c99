namespace EdgeToken.Sensors.Devices.Lis3dh;

/// <summary>Decoded FIFO_SRC_REG.</summary>
/// <param name="Samples">Unread X/Y/Z samples (0..32).</param>
/// <param name="WatermarkReached">WTM: more samples than the FTH threshold are waiting.</param>
/// <param name="Overrun">OVRN_FIFO: the FIFO is full; in stream mode the oldest sample is being overwritten.</param>
public readonly record struct FifoStatus(int Samples, bool WatermarkReached, bool Overrun);
