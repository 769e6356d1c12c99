namespace EdgeToken.Runtime.Operators;

/// <summary>A node EdgeToken deliberately does not run: an unknown operator, an attribute value, or an
/// element type outside what the kernels cover. The message names which.</summary>
public sealed class UnsupportedOperatorException(string message) : Exception(message);
