namespace EdgeToken.Generators.Model
{
    /// <summary>A compiled generation model as read: the model, or the diagnostics the build step recorded or
    /// the reader found. <see cref="ManifestPath"/> is empty when the file was unreadable.</summary>
    internal sealed record CompiledResult(string ManifestPath, string CompiledPath, PipelineModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);

    /// <summary>One manifest file seen by the compilation (its path only: its content reaches the generator
    /// through the compiled model the build step wrote from it).</summary>
    /// <param name="BackendLine">1-based line of the manifest's "backend" key (1 when it has none): where a missing
    /// backend package is reported.</param>
    internal sealed record ManifestFile(string Path, int BackendLine = 1, int BackendColumn = 1);

    /// <summary>What to emit for one manifest: a class, diagnostics, or both.</summary>
    internal sealed record PipelineResult(PipelineModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, int BackendLine = 1, int BackendColumn = 1);
}
