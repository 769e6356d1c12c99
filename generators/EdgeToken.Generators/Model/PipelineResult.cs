namespace EdgeToken.Generators.Model
{
    /// <summary>A compiled generation model as read: the model, or the diagnostics the build step recorded or
    /// the reader found. <see cref="ManifestPath"/> is empty when the file was unreadable.</summary>
    internal sealed record CompiledResult(string ManifestPath, string CompiledPath, PipelineModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>One manifest file seen by the compilation (its path only: its content reaches the generator
    /// through the compiled model the build step wrote from it).</summary>
    internal sealed record ManifestFile(string Path);

    /// <summary>What to emit for one manifest: a class, diagnostics, or both.</summary>
    internal sealed record PipelineResult(PipelineModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
