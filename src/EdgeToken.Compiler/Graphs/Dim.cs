namespace EdgeToken.Compiler.Graphs;

/// <summary>A dimension as a model declares it: a size, a named symbol ("batch"), or unknown.</summary>
public readonly record struct Dim(long Value, string? Symbol)
{
    public bool IsStatic => Value >= 0 && Symbol is null;
    public static Dim Of(long value) => new(value, null);
    public static Dim Named(string symbol) => new(-1, symbol);
    public static readonly Dim Unknown = new(-1, null);
    public override string ToString() => IsStatic ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol ?? "?";
}
