namespace EdgeToken.Sensors.FrontEnd;

/// <summary>What one <see cref="BearingFrontEnd.Process"/> call did.</summary>
/// <param name="InstantsConsumed">Sample instants (all channels) taken from the input.</param>
/// <param name="WindowsWritten">Feature vectors written to the output.</param>
public readonly record struct FrontEndProgress(int InstantsConsumed, int WindowsWritten);
