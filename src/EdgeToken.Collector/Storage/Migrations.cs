using System.Data.Common;
using System.Reflection;

namespace EdgeToken.Collector.Storage;

/// <summary>
/// The numbered scripts in Storage/Migrations (<c>0001_fleet.sql</c>, <c>0002_...</c>), embedded in the assembly and
/// applied in order, each once, recorded in <c>schema_version</c>. Both databases run the same scripts.
/// </summary>
public static class Migrations
{
    public sealed record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> All { get; } = Load();

    public static int Latest => All[^1].Version;

    static List<Script> Load()
    {
        const string prefix = "EdgeToken.Collector.Migrations.";
        var assembly = typeof(Migrations).Assembly;
        var scripts = new List<Script>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            string name = resource[prefix.Length..^4];
            int version = int.Parse(name.AsSpan(0, name.IndexOf('_')), provider: null);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add(new Script(version, name, reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < scripts.Count; i++)
            if (scripts[i].Version != i + 1)
                throw new InvalidOperationException($"Storage/Migrations: expected migration {i + 1}, found {scripts[i].Name}; migrations are numbered 1, 2, 3... without gaps.");
        return scripts;
    }

    internal const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";

    /// <summary>Applies what is missing inside <paramref name="tx"/>; the caller holds the migration lock.</summary>
    internal static async Task<int> ApplyAsync(DbConnection connection, DbTransaction tx, CancellationToken cancel)
    {
        await Sql.ExecuteAsync(connection, tx, CreateVersionTable, cancel);
        int current = Convert.ToInt32(await Sql.ScalarAsync(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancel) ?? 0);
        int applied = 0;
        foreach (var script in All)
        {
            if (script.Version <= current) continue;
            await Sql.ExecuteAsync(connection, tx, script.Sql, cancel);
            await Sql.ExecuteAsync(connection, tx, "INSERT INTO schema_version (version, name, applied_ms) VALUES (@v, @n, @t)", cancel,
                ("v", script.Version), ("n", script.Name), ("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            applied++;
        }
        return applied;
    }
}
