namespace EdgeToken.Compiler;

/// <summary>A model that loads but cannot be compiled: an unbound dynamic dimension, shapes that contradict
/// an operator, an unsupported operator. The message names the node or tensor and what to do.</summary>
public class CompileException(string message) : Exception(message);

/// <summary>A node EdgeToken's generated backend does not run; the model may still run on the onnxruntime backend.</summary>
public sealed class UnsupportedModelException(string message) : CompileException(message);
