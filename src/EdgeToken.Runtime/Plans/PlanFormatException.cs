namespace EdgeToken.Runtime.Plans;

/// <summary>An .etplan file that cannot be loaded: wrong magic, an unknown version, a bad checksum or a
/// truncated file. The message says which.</summary>
public sealed class PlanFormatException(string message) : Exception(message);
