namespace EdgeToken.Collector.Storage;

/// <summary>
/// Where the fleet lives, as the command line writes it: <c>sqlite:PATH</c> or <c>postgres:CONNECTION-STRING</c>
/// (Npgsql's keyword form, e.g. <c>postgres:Host=127.0.0.1;Port=5432;Username=edgetoken;Database=fleet</c>).
/// </summary>
public sealed record DatabaseLocation(string Provider, string Target)
{
    public static DatabaseLocation Parse(string text)
    {
        int colon = text.IndexOf(':');
        string provider = colon > 0 ? text[..colon] : "";
        string target = colon > 0 ? text[(colon + 1)..] : "";
        if (provider is not ("sqlite" or "postgres") || target.Length == 0)
            throw new FormatException($"--db {text}: expected sqlite:PATH or postgres:CONNECTION-STRING, e.g. --db sqlite:fleet.db");
        return new DatabaseLocation(provider, target);
    }

    public IFleetStore Open() => Provider == "sqlite" ? new SqliteFleetStore(Target) : new PostgresFleetStore(Target);

    public override string ToString() => Provider == "sqlite" ? $"sqlite:{Target}" : "postgres:(connection string)";
}
