using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Where a JSON decoder is, for error messages: "$[3].annotations[1]", "$[0].tags.http.path". Kept
/// as parts and formatted only when an error is raised, so tracking it costs nothing per field.
/// </summary>
internal struct JsonLocation
{
    public int SpanIndex;
    public string? Field;
    public int ItemIndex;
    public string? Key;

    public void At(string? field)
    {
        Field = field;
        ItemIndex = -1;
        Key = null;
    }

    public readonly override string ToString()
    {
        string path = $"$[{SpanIndex}]";
        if (Field is null) return path;
        path += "." + Field;
        if (ItemIndex >= 0) path += $"[{ItemIndex}]";
        if (Key is not null) path += "." + Key;
        return path;
    }

    public readonly SpanFormatException Error(string what, in Utf8JsonReader reader) =>
        new($"{what} at {this} (byte offset {reader.TokenStartIndex})");

    public readonly SpanFormatException Error(string what, in Utf8JsonReader reader, Exception inner) =>
        new($"{what} at {this} (byte offset {reader.TokenStartIndex})", inner);

    public readonly SpanFormatException Expected(string type, in Utf8JsonReader reader) =>
        Error($"Expected {type} but was {Describe(reader.TokenType)}", reader);

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };
}
