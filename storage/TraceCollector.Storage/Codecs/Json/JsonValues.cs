using System.Buffers.Text;
using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>Zipkin's lenient readings of JSON values, shared by the v1 and v2 readers.</summary>
internal static class JsonValues
{
    /// <summary>A string token through the cache; escaped text (rare) is unescaped without it.</summary>
    public static string ReadString(ref Utf8JsonReader reader, Utf8StringCache cache) =>
        reader.ValueIsEscaped ? cache.FromString(reader.GetString()!) : cache.Get(reader.ValueSpan);

    /// <summary>A whole number, quoted or not, as Gson's lenient nextLong reads it (1.0 is 1; 1.5 is an error).</summary>
    public static long ReadInt64(ref Utf8JsonReader reader, in JsonLocation where)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out long value)) return value;
            if (reader.TryGetDouble(out double d) && TryWhole(d, out value)) return value;
            throw where.Error($"Expected a whole number but was {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}", reader);
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            ReadOnlySpan<byte> text = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
            if (Utf8Parser.TryParse(text, out long value, out int used) && used == text.Length) return value;
            if (Utf8Parser.TryParse(text, out double d, out used) && used == text.Length && TryWhole(d, out value)) return value;
            throw where.Error($"Expected a whole number but was \"{System.Text.Encoding.UTF8.GetString(text)}\"", reader);
        }
        throw where.Expected("a number", reader);
    }

    private static bool TryWhole(double d, out long value)
    {
        value = 0;
        if (double.IsNaN(d) || d != Math.Floor(d) || d < long.MinValue || d >= 9.2233720368547758E18) return false;
        value = (long)d;
        return true;
    }

    public static bool ReadBoolean(ref Utf8JsonReader reader, in JsonLocation where) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw where.Expected("a boolean", reader),
    };

    public static TraceId ReadTraceId(ref Utf8JsonReader reader, in JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.String) throw where.Expected("a hex string", reader);
        if (!reader.ValueIsEscaped && HexId.TryParseTraceId(reader.ValueSpan, out var id)) return id;
        string text = reader.GetString()!;
        if (HexId.TryParseTraceId(text, out id)) return id;
        throw where.Error(HexId.DescribeInvalidTraceId(text), reader);
    }

    /// <summary>Returns 0 for an all-zero id; the caller decides whether that means absent.</summary>
    public static ulong ReadSpanId(ref Utf8JsonReader reader, in JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.String) throw where.Expected("a hex string", reader);
        if (!reader.ValueIsEscaped && HexId.TryParseSpanId(reader.ValueSpan, out ulong id)) return id;
        string text = reader.GetString()!;
        if (HexId.TryParseSpanId(text, out id)) return id;
        throw where.Error(HexId.DescribeInvalidSpanId(text), reader);
    }
}
