namespace EdgeToken.Compiler.Conformance;

public enum ConformanceStatus { Passed, Failed, Skipped }

/// <summary>The outcome of one ONNX node test. <see cref="Detail"/> says why a test failed or was skipped
/// (the unsupported operator, attribute or type).</summary>
public sealed record ConformanceResult(string Test, string Operator, ConformanceStatus Status, string Detail);
