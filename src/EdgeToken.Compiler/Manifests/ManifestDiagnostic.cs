namespace EdgeToken.Compiler.Manifests;

/// <summary>One problem in a manifest, at a place in it. Lines and columns are 1-based; the column counts
/// characters, as editors do.</summary>
public sealed record ManifestDiagnostic(string Id, string Path, int Line, int Column, string Message)
{
    /// <summary>The canonical MSBuild error format (<c>path(line,col): error ET0003: message</c>), which an
    /// <c>Exec</c> task turns into a real build error with file, line and column.</summary>
    public string ToMsBuildFormat() => $"{Path}({Line},{Column}): error {Id}: {Message}";

    public override string ToString() => ToMsBuildFormat();
}
