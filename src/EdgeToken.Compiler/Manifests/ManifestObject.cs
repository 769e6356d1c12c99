using System.Text.Json;

namespace EdgeToken.Compiler.Manifests;

/// <summary>Typed reads of one JSON object of a manifest. Every read marks its field as known; <see cref="Finish"/>
/// then reports the fields nobody read as unknown, so a typo ("sampelRate") is an error, not a silent default.</summary>
internal sealed class ManifestObject
{
    private readonly ManifestErrors _errors;
    private readonly string _where;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ManifestObject(JsonElementAt element, string where, ManifestErrors errors)
    {
        Element = element;
        _where = where;
        _errors = errors;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in element.Properties)
            if (!seen.Add(p.Name))
                errors.Add(ManifestDiagnosticIds.InvalidValue, p.NameOffset, $"{Describe(p.Name)} appears twice; keep one");
    }

    public JsonElementAt Element { get; }

    public string Describe(string field) => _where.Length == 0 ? $"'{field}'" : $"'{_where}.{field}'";

    public JsonPropertyAt? Property(string name)
    {
        _known.Add(name);
        foreach (var p in Element.Properties) if (p.Name == name) return p;
        return null;
    }

    public bool Has(string name) => Property(name) is not null;

    public string? String(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind == JsonTokenType.String) return p.Value.String;
        { ReportWrongType(p, "a string", example); return null; }
    }

    public double? Number(string name, bool required, string example, double min = double.NegativeInfinity, bool exclusiveMin = false)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind != JsonTokenType.Number) { ReportWrongType(p, "a number", example); return null; }
        double v = p.Value.Number;
        if (!double.IsFinite(v) || v < min || (exclusiveMin && v == min))
        {
            _errors.Add(ManifestDiagnosticIds.InvalidValue, p.Value.Offset, $"{Describe(name)} is {p.Value.NumberText}; it must be {(exclusiveMin ? "greater than" : "at least")} {min}");
            return null;
        }
        return v;
    }

    public int? Integer(string name, bool required, string example, int min)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind != JsonTokenType.Number || !int.TryParse(p.Value.NumberText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int v))
            { ReportWrongType(p, "a whole number", example); return null; }
        if (v < min)
        {
            _errors.Add(ManifestDiagnosticIds.InvalidValue, p.Value.Offset, $"{Describe(name)} is {v}; it must be at least {min}");
            return null;
        }
        return v;
    }

    public bool? Boolean(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind is JsonTokenType.True or JsonTokenType.False) return p.Value.Kind == JsonTokenType.True;
        { ReportWrongType(p, "true or false", example); return null; }
    }

    /// <summary>An array of strings (node names, ...).</summary>
    public string[]? Strings(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind == JsonTokenType.StartArray && p.Value.Items.All(i => i.Kind == JsonTokenType.String))
            return p.Value.Items.Select(i => i.String!).ToArray();
        { ReportWrongType(p, "an array of strings", example); return null; }
    }

    public ManifestObject? Object(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind != JsonTokenType.StartObject) { ReportWrongType(p, "an object", example); return null; }
        return new ManifestObject(p.Value, _where.Length == 0 ? name : $"{_where}.{name}", _errors);
    }

    public List<JsonElementAt>? Array(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind != JsonTokenType.StartArray) { ReportWrongType(p, "an array", example); return null; }
        return p.Value.Items;
    }

    /// <summary>A number, or an array of numbers (per channel).</summary>
    public double[]? Numbers(string name, bool required, string example)
    {
        var p = Property(name);
        if (p is null) { ReportMissing(name, required, example); return null; }
        if (p.Value.Kind == JsonTokenType.Number) return [p.Value.Number];
        if (p.Value.Kind == JsonTokenType.StartArray && p.Value.Items.Count > 0 && p.Value.Items.All(i => i.Kind == JsonTokenType.Number))
            return p.Value.Items.Select(i => i.Number).ToArray();
        { ReportWrongType(p, "a number or a non-empty array of numbers", example); return null; }
    }

    public void Finish()
    {
        foreach (var p in Element.Properties)
            if (!_known.Contains(p.Name) && p.Name != "$schema")
            {
                string? near = _known.Where(k => Distance(k, p.Name) <= 2).OrderBy(k => Distance(k, p.Name)).FirstOrDefault();
                _errors.Add(ManifestDiagnosticIds.UnknownField, p.NameOffset,
                    $"unknown field {Describe(p.Name)}" + (near is null ? $"; the fields here are {string.Join(", ", _known.Order(StringComparer.Ordinal))}" : $"; did you mean '{near}'?"));
            }
    }

    private void ReportMissing(string name, bool required, string example)
    {
        if (required) _errors.Add(ManifestDiagnosticIds.MissingField, Element.Offset, $"missing required field {Describe(name)}; add it, e.g. \"{name}\": {example}");
    }

    private void ReportWrongType(JsonPropertyAt p, string expected, string example) =>
        _errors.Add(ManifestDiagnosticIds.InvalidValue, p.Value.Offset, $"{Describe(p.Name)} should be {expected} but is {p.Value.KindName}, e.g. \"{p.Name}\": {example}");

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

/// <summary>The diagnostics of one manifest file, positioned from byte offsets.</summary>
internal sealed class ManifestErrors(string path, TextPositions positions)
{
    public List<ManifestDiagnostic> List { get; } = [];
    public string Path { get; } = path;
    public TextPositions Positions { get; } = positions;

    public void Add(string id, long offset, string message)
    {
        var (line, column) = Positions.At(offset);
        List.Add(new ManifestDiagnostic(id, Path, line, column, message));
    }
}
