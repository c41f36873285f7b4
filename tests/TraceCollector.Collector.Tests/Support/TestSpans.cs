using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Support;

/// <summary>Small valid spans with ids the test chooses, so what was stored can be checked exactly.</summary>
internal static class TestSpans
{
    private static long s_next = 0x1000;

    public static Span Create(TraceId traceId, ulong id, ulong parentId = 0, bool debug = false, string service = "frontend") =>
        new SpanBuilder
        {
            TraceId = traceId,
            Id = id,
            ParentId = parentId,
            Name = "get /api",
            Kind = SpanKind.Server,
            Timestamp = 1_700_000_000_000_000,
            Duration = 1500,
            LocalEndpoint = Endpoint.Create(service, "10.0.0.1", null, 8080),
            Debug = debug,
        }.PutTag("http.method", "GET").Build();

    /// <summary>A trace of <paramref name="spans"/> spans: a root and its children.</summary>
    public static List<Span> Trace(TraceId traceId, int spans, bool debug = false)
    {
        var list = new List<Span>(spans);
        for (int i = 0; i < spans; i++) list.Add(Create(traceId, (ulong)(i + 1), i == 0 ? 0UL : 1UL, debug));
        return list;
    }

    /// <summary>A batch of unique spans, each in its own fresh trace.</summary>
    public static List<Span> Batch(int spans)
    {
        var list = new List<Span>(spans);
        for (int i = 0; i < spans; i++)
        {
            long n = Interlocked.Increment(ref s_next);
            list.Add(Create(new TraceId(0x0123456789abcdefUL, (ulong)n), (ulong)n));
        }
        return list;
    }
}
