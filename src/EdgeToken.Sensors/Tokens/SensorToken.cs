namespace EdgeToken.Sensors.Tokens;

/// <summary>
/// One measured value: which sensor, which of its channels (axis), when, and what.
/// </summary>
/// <remarks>
/// A token is the unit a model consumes. It is a small value type so that enumerating a
/// frame as tokens (<see cref="FrameTokens"/>) never allocates.
/// </remarks>
/// <param name="SensorId">Identifier of the sensor (for a serial link, the id in the frame header).</param>
/// <param name="Channel">Zero-based channel within the sensor, e.g. 0 = X, 1 = Y, 2 = Z.</param>
/// <param name="TimestampNanoseconds">Sample time in nanoseconds on the sensor's timeline (see <see cref="SampleClock"/>).</param>
/// <param name="Value">Measured value in the sensor's engineering unit (g for accelerometers).</param>
public readonly record struct SensorToken(ushort SensorId, byte Channel, long TimestampNanoseconds, float Value);
