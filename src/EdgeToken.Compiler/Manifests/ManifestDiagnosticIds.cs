namespace EdgeToken.Compiler.Manifests;

/// <summary>Every diagnostic id a manifest can raise. Each has a page docs/diagnostics/ETnnnn.md with the
/// bad input and the fix; the generator's DiagnosticDescriptors use the same ids for what it finds itself.</summary>
public static class ManifestDiagnosticIds
{
    /// <summary>The file is not valid JSON.</summary>
    public const string InvalidJson = "ET0001";
    /// <summary>A field the manifest format does not have (a typo, usually).</summary>
    public const string UnknownField = "ET0002";
    /// <summary>A field of the wrong JSON type or with a value outside its range.</summary>
    public const string InvalidValue = "ET0003";
    /// <summary>A required field is absent.</summary>
    public const string MissingField = "ET0004";
    /// <summary>The model file the manifest names does not exist.</summary>
    public const string ModelNotFound = "ET0005";
    /// <summary>The model file exists but is not a model EdgeToken can read.</summary>
    public const string ModelUnreadable = "ET0006";
    /// <summary>The manifest's input (channels x window) disagrees with the model's input shape.</summary>
    public const string ShapeMismatch = "ET0007";
    /// <summary>The model has a dynamic dimension the manifest does not bind.</summary>
    public const string UnboundDimension = "ET0008";
    /// <summary>A node the generated backend does not run.</summary>
    public const string UnsupportedOperator = "ET0009";
    /// <summary>The output section disagrees with the model's output (label count vs class scores).</summary>
    public const string OutputMismatch = "ET0010";
    /// <summary>Generator: a manifest with no compiled model beside it (the build step did not run).</summary>
    public const string NotCompiled = "ET0011";
    /// <summary>Generator: a compiled model file it cannot read (another EdgeToken version, truncated).</summary>
    public const string CompiledModelUnreadable = "ET0012";
    /// <summary>The model loads but does not compile (shapes that contradict an operator).</summary>
    public const string ModelDoesNotCompile = "ET0013";
    /// <summary>An execution provider name the onnxruntime backend does not know.</summary>
    public const string BackendUnavailable = "ET0014";
    /// <summary>The optimised model misses the manifest's accuracy budget on the validation data.</summary>
    public const string AccuracyBudgetMissed = "ET0015";
    /// <summary>The preprocessing chain's output (channels x values per channel) does not fit the model's input.</summary>
    public const string PreprocessSizeMismatch = "ET0016";
    /// <summary>A preprocessing step names an operator EdgeToken does not have.</summary>
    public const string UnknownPreprocessOp = "ET0017";
    /// <summary>A preprocessing step's parameter is out of range (a band above Nyquist, an odd FFT length, too many coefficients).</summary>
    public const string InvalidPreprocessParameter = "ET0018";
    /// <summary>A preprocessing step gets a kind of signal it cannot take (bands of samples, a window on a spectrum).</summary>
    public const string PreprocessOrder = "ET0019";
    /// <summary>Calibration or validation data (or labels) missing, malformed, or not shaped like the input.</summary>
    public const string DataUnusable = "ET0021";
}
