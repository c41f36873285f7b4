using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TraceCollector.Collector.Otlp.Mapping;

/// <summary>
/// Renders OTLP attribute values as Zipkin tag strings, as the specification sets it: primitives in
/// invariant (en-US) form, booleans lower-case, arrays and maps as JSON.
/// </summary>
internal static class AttributeFormatter
{
    // Tag values are shown to people; keep non-ASCII text readable instead of \u-escaped.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Double(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bytes(ReadOnlySpan<byte> value) => Convert.ToBase64String(value);

    /// <summary>Writes a double as a JSON number, or as a string where JSON has no number for it (NaN, infinities).</summary>
    public static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(Double(value));
    }

    /// <summary>A JSON string literal (with quotes) for the text.</summary>
    public static string JsonString(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 8);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) writer.WriteStringValue(text);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Runs a JSON-writing action and returns what it wrote as a string.</summary>
    public static string ToJson<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer, state);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
