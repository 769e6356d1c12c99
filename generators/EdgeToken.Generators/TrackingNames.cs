namespace EdgeToken.Generators
{
    /// <summary>Names of the incremental pipeline's steps, so tests can check which ones re-ran.</summary>
    internal static class TrackingNames
    {
        public const string Manifests = nameof(Manifests);
        public const string CompiledModels = nameof(CompiledModels);
        public const string Pipelines = nameof(Pipelines);
        public const string OnnxRuntimeReference = nameof(OnnxRuntimeReference);
    }
}
