using EdgeToken.Compiler.Conformance;

namespace EdgeToken.Compiler.Tests.Conformance;

/// <summary>The conformance tests EdgeToken skips on purpose. README.md lists the same tests with the same reasons.</summary>
internal static class JustifiedSkips
{
    private static readonly Dictionary<string, string> Tests = new(StringComparer.Ordinal)
    {
        ["test_training_dropout"] = "random training-mode Dropout",
        ["test_training_dropout_default"] = "random training-mode Dropout",
        ["test_training_dropout_default_mask"] = "random training-mode Dropout",
        ["test_training_dropout_mask"] = "random training-mode Dropout",
        ["test_identity_sequence"] = "sequence values: EdgeToken runs tensors only",
        ["test_identity_opt"] = "optional values: EdgeToken runs tensors only",
    };

    public static bool IsJustified(ConformanceResult result) => Tests.ContainsKey(result.Test);
}
