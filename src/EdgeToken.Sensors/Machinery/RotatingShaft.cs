namespace EdgeToken.Sensors.Machinery;

/// <summary>The shaft's operating point and its healthy vibration.</summary>
/// <param name="SpeedHz">Rotation rate fr in revolutions per second (an axle at 100 km/h on 920 mm wheels turns at about 9.6 Hz).</param>
/// <param name="Load">Radial load, 0..1 of rated; scales the shaft harmonics (unbalance and misalignment forces grow with load) and the fault impacts.</param>
/// <param name="HarmonicAmplitudes">Acceleration amplitude (g) of the 1×, 2×, 3×… shaft harmonics at full load.</param>
public sealed record RotatingShaft(double SpeedHz, double Load, double[] HarmonicAmplitudes)
{
    /// <summary>A shaft at <paramref name="speedHz"/> with typical 1×/2×/3× levels of a healthy axle.</summary>
    public static RotatingShaft Healthy(double speedHz, double load = 0.7) => new(speedHz, load, [0.05, 0.02, 0.01]);
}
