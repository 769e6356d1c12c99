using System.Text.Json;

namespace EdgeToken.Compiler.Manifests;

/// <summary>A JSON value that remembers where it starts in the file. JsonDocument forgets positions, so
/// the manifest is read with Utf8JsonReader into this small tree instead.</summary>
public sealed class JsonElementAt
{
    private JsonElementAt(JsonTokenType kind, long offset)
    {
        Kind = kind;
        Offset = offset;
    }

    public JsonTokenType Kind { get; }
    /// <summary>Byte offset of the value's first byte.</summary>
    public long Offset { get; }
    public string String { get; private init; } = "";
    public double Number { get; private init; }
    /// <summary>The raw number text, to tell 3 from 3.5 for integer fields.</summary>
    public string NumberText { get; private init; } = "";
    public List<JsonPropertyAt> Properties { get; } = [];
    public List<JsonElementAt> Items { get; } = [];

    public string KindName => Kind switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => Kind.ToString(),
    };

    /// <summary>Reads one JSON document; comments and trailing commas are allowed (editors write them).</summary>
    public static JsonElementAt Parse(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = 64,
        });
        if (!reader.Read()) throw new JsonException("the file is empty; a manifest is a JSON object", null, 0, 0);
        var root = ReadValue(ref reader);
        if (reader.Read()) throw new JsonException("text after the end of the JSON object", null, reader.CurrentDepth, reader.TokenStartIndex);
        return root;
    }

    private static JsonElementAt ReadValue(ref Utf8JsonReader reader)
    {
        long offset = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var obj = new JsonElementAt(JsonTokenType.StartObject, offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    long nameOffset = reader.TokenStartIndex;
                    string name = reader.GetString()!;
                    reader.Read();
                    obj.Properties.Add(new JsonPropertyAt(name, nameOffset, ReadValue(ref reader)));
                }
                return obj;
            }
            case JsonTokenType.StartArray:
            {
                var array = new JsonElementAt(JsonTokenType.StartArray, offset);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    array.Items.Add(ReadValue(ref reader));
                return array;
            }
            case JsonTokenType.String:
                return new JsonElementAt(JsonTokenType.String, offset) { String = reader.GetString()! };
            case JsonTokenType.Number:
                return new JsonElementAt(JsonTokenType.Number, offset)
                {
                    Number = reader.GetDouble(),
                    NumberText = System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                };
            default:
                return new JsonElementAt(reader.TokenType, offset);
        }
    }
}

/// <summary>One property of a JSON object, with the offset of its name (where an "unknown field" points).</summary>
public sealed record JsonPropertyAt(string Name, long NameOffset, JsonElementAt Value);
