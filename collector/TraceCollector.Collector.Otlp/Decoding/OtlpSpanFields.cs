namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>
/// What a decoder read of one OTLP span, before it is mapped to the Zipkin model. Both the
/// protobuf and the JSON decoder fill it, so the mapping rules live in one place.
/// Attribute values are already rendered as Zipkin tag strings.
/// </summary>
internal sealed class OtlpSpanFields
{
    public ulong TraceIdHigh, TraceIdLow, SpanId, ParentSpanId;

    /// <summary>False when an id had the wrong length (OTLP ids are 16 and 8 bytes).</summary>
    public bool IdsWellFormed = true;

    public string? Name;
    public int Kind;
    public ulong StartTimeUnixNano, EndTimeUnixNano;
    public readonly List<KeyValuePair<string, string>> Attributes = new();
    public readonly List<OtlpEvent> Events = new();
    public uint DroppedAttributesCount, DroppedEventsCount, DroppedLinksCount;
    public int StatusCode;
    public string? StatusMessage;

    public void Clear()
    {
        TraceIdHigh = TraceIdLow = SpanId = ParentSpanId = 0;
        IdsWellFormed = true;
        Name = null;
        Kind = 0;
        StartTimeUnixNano = EndTimeUnixNano = 0;
        Attributes.Clear();
        Events.Clear();
        DroppedAttributesCount = DroppedEventsCount = DroppedLinksCount = 0;
        StatusCode = 0;
        StatusMessage = null;
    }
}

/// <param name="TimeUnixNano">Epoch nanoseconds.</param>
/// <param name="AttributesJson">The event's attributes as a JSON object, or null when it has none.</param>
internal readonly record struct OtlpEvent(ulong TimeUnixNano, string Name, string? AttributesJson);

/// <summary>The resource (service) and instrumentation scope that a group of spans came from.</summary>
internal sealed class OtlpOrigin
{
    public string? ServiceName;
    public readonly List<KeyValuePair<string, string>> ResourceAttributes = new();
    public string? ScopeName, ScopeVersion;

    public void ClearResource()
    {
        ServiceName = null;
        ResourceAttributes.Clear();
        ClearScope();
    }

    public void ClearScope()
    {
        ScopeName = null;
        ScopeVersion = null;
    }
}
