using System;
using Microsoft.CodeAnalysis;

namespace EdgeToken.Generators
{
    /// <summary>
    /// One <c>public sealed partial class</c> per <c>*.edgemodel.json</c> manifest. The heavy work (JSON,
    /// ONNX import, planning) happens in the build step, which writes a generation model (<c>.etgen</c>) under
    /// obj/; this generator only pairs each manifest with its generation model and emits source, so the IDE stays fast.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class EdgeModelGenerator : IIncrementalGenerator
    {
        public const string ManifestSuffix = ".edgemodel.json";
        public const string CompiledSuffix = ".etgen";
        public const string OnnxRuntimePipelineType = "EdgeToken.Runtime.OnnxRuntime.OnnxRuntimePipeline";
        public const string OnnxRuntimePackage = "EdgeToken.OnnxRuntime";

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var manifests = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(ManifestSuffix, StringComparison.OrdinalIgnoreCase))
                .Select(static (text, cancellation) => Parser.Manifest(text.Path, text.GetText(cancellation)?.ToString()))
                .WithTrackingName(TrackingNames.Manifests);

            var compiled = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(CompiledSuffix, StringComparison.OrdinalIgnoreCase))
                .Select(static (text, cancellation) => Parser.ParseCompiled(text.Path, text.GetText(cancellation)?.ToString()))
                .WithTrackingName(TrackingNames.CompiledModels);

            var pipelines = manifests
                .Combine(compiled.Collect())
                .Select(static (pair, _) => Parser.Match(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.Pipelines);

            // Whether the compilation references the onnxruntime backend's assembly (the EdgeToken.OnnxRuntime package):
            // a bool, so an edit anywhere else leaves it Unchanged and the pipelines Cached.
            var hasOnnxRuntime = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName(OnnxRuntimePipelineType) is not null)
                .WithTrackingName(TrackingNames.OnnxRuntimeReference);

            context.RegisterSourceOutput(pipelines.Combine(hasOnnxRuntime), static (output, pair) => Emitter.Emit(output, pair.Left, pair.Right));
        }
    }
}
