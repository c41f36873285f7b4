namespace TraceCollector.Model;

/// <summary>Zipkin's span kinds; the numbers are those of zipkin.proto's Span.Kind.</summary>
public enum SpanKind : byte
{
    Unspecified = 0,
    Client = 1,
    Server = 2,
    Producer = 3,
    Consumer = 4,
}
