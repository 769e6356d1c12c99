namespace EdgeToken.Compiler.Quantization;

/// <summary>Calibration or validation data that cannot be used: missing, malformed, or not shaped like the model's input
/// (or, for a recording, like the manifest's input). The message names the file and what to change. A manifest build
/// reports it as ET0021, apart from errors in the model itself.</summary>
public sealed class DataFileException(string message) : CompileException(message);
