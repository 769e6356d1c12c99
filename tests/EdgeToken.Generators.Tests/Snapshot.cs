namespace EdgeToken.Generators.Tests;

/// <summary>A small stand-in for Verify (not available from the package mirror): compares text with a committed
/// file under _snapshots/. Set EDGETOKEN_UPDATE_SNAPSHOTS=1 to write the files instead, then review the diff.</summary>
internal static class Snapshot
{
    public static void Match(string name, string actual)
    {
        string path = Path.Combine(GeneratorDiagnosticTests.RepoRoot(), "tests", "EdgeToken.Generators.Tests", "_snapshots", name);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("EDGETOKEN_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"no snapshot {path}; run with EDGETOKEN_UPDATE_SNAPSHOTS=1 to create it");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected == actual) return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < Math.Min(e.Length, a.Length) && e[line] == a[line]) line++;
        Assert.Fail($"{name} differs from the snapshot at line {line + 1}:\n  expected: {(line < e.Length ? e[line] : "(end)")}\n  actual:   {(line < a.Length ? a[line] : "(end)")}\n(EDGETOKEN_UPDATE_SNAPSHOTS=1 rewrites it)");
    }
}
