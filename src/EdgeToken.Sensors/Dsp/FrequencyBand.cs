namespace EdgeToken.Sensors.Dsp;

/// <summary>A frequency band [<paramref name="LowHz"/>, <paramref name="HighHz"/>).</summary>
public readonly record struct FrequencyBand(double LowHz, double HighHz);
