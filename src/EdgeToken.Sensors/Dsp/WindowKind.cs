namespace EdgeToken.Sensors.Dsp;

/// <summary>Spectral analysis windows. All are the periodic (DFT-even) form, which is the right one for FFT analysis with overlap.</summary>
public enum WindowKind
{
    /// <summary>No taper (all ones).</summary>
    Rectangular,

    /// <summary>Hann: 0.5 − 0.5·cos(2πn/N). Good general choice; sidelobes fall 18 dB/octave.</summary>
    Hann,

    /// <summary>Hamming: 0.54 − 0.46·cos(2πn/N). Lower first sidelobe, slower fall-off.</summary>
    Hamming,

    /// <summary>Blackman: 0.42 − 0.5·cos(2πn/N) + 0.08·cos(4πn/N). Low leakage for weak tones next to strong ones.</summary>
    Blackman,
}
