using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace EdgeToken.Generators
{
    /// <summary>
    /// Every diagnostic the EdgeToken generator reports. ET0001-ET0010, ET0013, ET0014 and ET0016-ET0019 are found by the build
    /// step (which knows JSON and the model) and recorded in the generation model; the generator reports them again
    /// at the same place in the manifest so the IDE shows them too. ET0011, ET0012 and ET0020 the generator finds itself.
    /// Each id has a page docs/diagnostics/ETnnnn.md with the bad input and the fix.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        /// <summary>
        /// Where the pages live: the repository's docs/diagnostics folder, as a path relative to the repository root.
        /// The project has no public web address yet, so a relative link is the one that is true everywhere (a clone,
        /// a fork, a package's source link); IDEs show it as text and a reader opens the page in the checkout.
        /// </summary>
        public const string HelpBase = "docs/diagnostics/";
        private const string Category = "EdgeToken";

        public static readonly DiagnosticDescriptor InvalidJson = Error("ET0001", "Manifest is not valid JSON");
        public static readonly DiagnosticDescriptor UnknownField = Error("ET0002", "Unknown manifest field");
        public static readonly DiagnosticDescriptor InvalidValue = Error("ET0003", "Manifest field has the wrong type or value");
        public static readonly DiagnosticDescriptor MissingField = Error("ET0004", "Required manifest field is missing");
        public static readonly DiagnosticDescriptor ModelNotFound = Error("ET0005", "Model file not found");
        public static readonly DiagnosticDescriptor ModelUnreadable = Error("ET0006", "Model file cannot be read");
        public static readonly DiagnosticDescriptor ShapeMismatch = Error("ET0007", "Manifest input disagrees with the model's input shape");
        public static readonly DiagnosticDescriptor UnboundDimension = Error("ET0008", "Dynamic dimension not bound");
        public static readonly DiagnosticDescriptor UnsupportedOperator = Error("ET0009", "Operator not supported by the generated backend");
        public static readonly DiagnosticDescriptor OutputMismatch = Error("ET0010", "Output section disagrees with the model's output");
        public static readonly DiagnosticDescriptor NotCompiled = Error("ET0011", "Manifest has no compiled model");
        public static readonly DiagnosticDescriptor CompiledModelUnreadable = Error("ET0012", "Compiled model cannot be read");
        public static readonly DiagnosticDescriptor ModelDoesNotCompile = Error("ET0013", "Model does not compile");
        public static readonly DiagnosticDescriptor BackendUnavailable = Error("ET0014", "Unknown execution provider");
        // ET0015 (the optimised model misses the accuracy budget) and ET0021 (calibration or validation data unusable)
        // come from the build step alone: they need the data files and both models, which the generator never loads.
        public static readonly DiagnosticDescriptor PreprocessSizeMismatch = Error("ET0016", "Preprocessing chain output does not fit the model's input");
        public static readonly DiagnosticDescriptor UnknownPreprocessOp = Error("ET0017", "Unknown preprocessing operator");
        public static readonly DiagnosticDescriptor InvalidPreprocessParameter = Error("ET0018", "Preprocessing step parameter out of range");
        public static readonly DiagnosticDescriptor PreprocessOrder = Error("ET0019", "Preprocessing step gets a signal it cannot take");
        public static readonly DiagnosticDescriptor OnnxRuntimeNotReferenced = Error("ET0020", "Backend onnxruntime without the EdgeToken.OnnxRuntime package");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new Dictionary<string, DiagnosticDescriptor>
        {
            [InvalidJson.Id] = InvalidJson,
            [UnknownField.Id] = UnknownField,
            [InvalidValue.Id] = InvalidValue,
            [MissingField.Id] = MissingField,
            [ModelNotFound.Id] = ModelNotFound,
            [ModelUnreadable.Id] = ModelUnreadable,
            [ShapeMismatch.Id] = ShapeMismatch,
            [UnboundDimension.Id] = UnboundDimension,
            [UnsupportedOperator.Id] = UnsupportedOperator,
            [OutputMismatch.Id] = OutputMismatch,
            [NotCompiled.Id] = NotCompiled,
            [CompiledModelUnreadable.Id] = CompiledModelUnreadable,
            [ModelDoesNotCompile.Id] = ModelDoesNotCompile,
            [BackendUnavailable.Id] = BackendUnavailable,
            [PreprocessSizeMismatch.Id] = PreprocessSizeMismatch,
            [UnknownPreprocessOp.Id] = UnknownPreprocessOp,
            [InvalidPreprocessParameter.Id] = InvalidPreprocessParameter,
            [PreprocessOrder.Id] = PreprocessOrder,
            [OnnxRuntimeNotReferenced.Id] = OnnxRuntimeNotReferenced,
        };

        public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

        /// <summary>The descriptor of an id the build step recorded; an id this generator does not know (a newer
        /// compiler) is reported as ET0012 rather than dropped.</summary>
        public static DiagnosticDescriptor For(string id) => s_byId.TryGetValue(id, out var d) ? d : CompiledModelUnreadable;

        private static DiagnosticDescriptor Error(string id, string title) =>
            new DiagnosticDescriptor(id, title, "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
    }
}
