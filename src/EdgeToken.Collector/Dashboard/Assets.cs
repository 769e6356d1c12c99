using Microsoft.AspNetCore.Http;

namespace EdgeToken.Collector.Dashboard;

/// <summary>The stylesheet and the script, embedded in the assembly: the dashboard needs no files beside the binary and no network.</summary>
internal static class Assets
{
    static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = Load();

    static Dictionary<string, (byte[], string)> Load()
    {
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        var assembly = typeof(Assets).Assembly;
        const string prefix = "EdgeToken.Collector.Assets.";
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            string file = name[prefix.Length..];
            files[file] = (copy.ToArray(), file.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        }
        return files;
    }

    public static IResult Serve(string name) => Files.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.Type) : Results.NotFound();
}
