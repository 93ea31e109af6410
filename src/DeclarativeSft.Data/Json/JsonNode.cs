using System.Collections.Generic;

namespace DeclarativeSft.Data.Json;

/// <summary>Kinds of JSON values.</summary>
public enum JsonKind { Object, Array, String, Number, True, False, Null }

/// <summary>
/// A JSON value with the character offset where it starts in the parsed text (so data-file diagnostics can
/// point at a column). Small on purpose: the validator only reads a few fields.
/// </summary>
public sealed class JsonNode
{
    internal JsonNode(JsonKind kind, int offset) { Kind = kind; Offset = offset; }

    public JsonKind Kind { get; }

    /// <summary>Character offset of the value's first character in the parsed text.</summary>
    public int Offset { get; }

    /// <summary>String value, or the number's source text.</summary>
    public string? Text { get; internal set; }

    /// <summary>Object members in order (duplicates kept; lookups take the last, as most readers do).</summary>
    public List<KeyValuePair<string, JsonNode>>? Members { get; internal set; }

    /// <summary>Array items.</summary>
    public List<JsonNode>? Items { get; internal set; }

    /// <summary>Member <paramref name="name"/> of an object, or null.</summary>
    public JsonNode? this[string name]
    {
        get
        {
            if (Members is null) return null;
            for (int i = Members.Count - 1; i >= 0; i--)
                if (Members[i].Key == name) return Members[i].Value;
            return null;
        }
    }

    /// <summary>The string value, or null when this is not a string.</summary>
    public string? AsString => Kind == JsonKind.String ? Text : null;

    /// <summary>The number as double, or null.</summary>
    public double? AsNumber =>
        Kind == JsonKind.Number && double.TryParse(Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>What the value is, for messages.</summary>
    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.Null => "null",
        _ => "a boolean",
    };
}
