namespace TraceCollector.Model;

/// <summary>Formatting and parsing of 64-bit span ids; a span id is a plain <see cref="ulong"/> where 0 means absent.</summary>
public static class SpanId
{
    public static string Format(ulong id) => HexId.Format(id);

    public static ulong Parse(ReadOnlySpan<char> hex, string field = "id")
    {
        if (!HexId.TryParseSpanId(hex, out ulong id) || id == 0)
        {
            throw new SpanValidationException(field, hex.ToString(), HexId.DescribeInvalidSpanId(hex));
        }
        return id;
    }

    public static bool TryParse(ReadOnlySpan<char> hex, out ulong id) => HexId.TryParseSpanId(hex, out id) && id != 0;
}
