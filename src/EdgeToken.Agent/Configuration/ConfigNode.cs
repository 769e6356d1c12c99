using System.Globalization;
using System.Text.Json;

namespace EdgeToken.Agent.Configuration;

/// <summary>
/// One JSON object of agent.json with its JSON path, so every problem names the key it is about
/// (<c>$.pipelines[1].plan</c>). Problems are collected, not thrown, so a user sees all of them at once.
/// </summary>
internal sealed class ConfigNode(JsonElement element, string path, List<string> errors)
{
    public string Path => path;

    public ConfigNode WithErrors(List<string> list) => new(element, path, list);

    public void Problem(string key, string message) => errors.Add($"{Join(key)}: {message}");

    /// <summary>Reports every key this object has that is not one of <paramref name="known"/>.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (var property in element.EnumerateObject())
            if (Array.IndexOf(known, property.Name) < 0)
                errors.Add($"{Join(property.Name)}: unknown key; expected one of {string.Join(", ", known)}");
    }

    public string? String(string key, bool required = false)
    {
        if (!Get(key, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s) return s;
        Problem(key, "expected a non-empty string");
        return null;
    }

    public double? Number(string key, double min, double max, bool required = false)
    {
        if (!Get(key, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && d >= min && d <= max) return d;
        Problem(key, $"expected a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got {value.GetRawText()}");
        return null;
    }

    public bool? Bool(string key)
    {
        if (!Get(key, false, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Problem(key, $"expected true or false, got {value.GetRawText()}");
        return null;
    }

    public string[]? Strings(string key)
    {
        if (!Get(key, false, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
            return value.EnumerateArray().Select(v => v.GetString()!).ToArray();
        Problem(key, "expected an array of strings");
        return null;
    }

    public ConfigNode? Object(string key, bool required = false)
    {
        if (!Get(key, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return new ConfigNode(value, Join(key), errors);
        Problem(key, "expected an object");
        return null;
    }

    public IReadOnlyList<ConfigNode> Objects(string key, bool required = false)
    {
        if (!Get(key, required, out var value)) return [];
        if (value.ValueKind != JsonValueKind.Array) { Problem(key, "expected an array of objects"); return []; }
        var result = new List<ConfigNode>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string itemPath = $"{Join(key)}[{i++}]";
            if (item.ValueKind == JsonValueKind.Object) result.Add(new ConfigNode(item, itemPath, errors));
            else errors.Add($"{itemPath}: expected an object");
        }
        if (required && result.Count == 0 && i == 0) Problem(key, "must list at least one");
        return result;
    }

    private bool Get(string key, bool required, out JsonElement value)
    {
        if (element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Problem(key, "missing; this key is required");
        return false;
    }

    private string Join(string key) => $"{path}.{key}";
}
