namespace TraceCollector.Model;

/// <summary>
/// A 64- or 128-bit trace id. <see cref="High"/> is zero for a 64-bit id, which is also how Zipkin
/// treats a 32-digit id whose upper half is zero: it is the same trace as its low 16 digits.
/// </summary>
public readonly record struct TraceId(ulong High, ulong Low) : IComparable<TraceId>
{
    public bool Is128Bit => High != 0;

    public bool IsEmpty => High == 0 && Low == 0;

    /// <summary>The 64-bit form, used when STRICT_TRACE_ID=false groups traces by their low half.</summary>
    public TraceId ToLow64() => new(0, Low);

    public int CompareTo(TraceId other)
    {
        int c = High.CompareTo(other.High);
        return c != 0 ? c : Low.CompareTo(other.Low);
    }

    /// <summary>16 or 32 lower-case hex digits, as Zipkin writes trace ids.</summary>
    public override string ToString() => HexId.Format(this);

    /// <summary>Parses 1 to 32 hex digits (either case), left-padding short ids.</summary>
    public static TraceId Parse(ReadOnlySpan<char> hex)
    {
        if (!HexId.TryParseTraceId(hex, out var id))
        {
            throw new SpanValidationException("traceId", hex.ToString(), HexId.DescribeInvalidTraceId(hex));
        }
        return id;
    }

    public static bool TryParse(ReadOnlySpan<char> hex, out TraceId id) => HexId.TryParseTraceId(hex, out id);
}
