using TraceCollector.Model;

namespace TraceCollector.Kafka.Tests.Support;

/// <summary>Distinct, valid spans for produced messages: message m of a test gets trace m+1, its spans ids 1..n.</summary>
internal static class TestSpans
{
    private static long _run = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A trace id no other test of this run uses.</summary>
    public static TraceId NewTraceId() => new((ulong)Interlocked.Increment(ref _run) << 8 | 0x1, (ulong)Random.Shared.NextInt64(1, long.MaxValue));

    public static IReadOnlyList<Span> Trace(TraceId traceId, int spans, string service = "frontend")
    {
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var list = new List<Span>(spans);
        for (int i = 0; i < spans; i++)
        {
            var builder = new SpanBuilder
            {
                TraceId = traceId,
                Id = (ulong)(i + 1),
                ParentId = i == 0 ? 0UL : 1UL,
                Kind = i == 0 ? SpanKind.Server : SpanKind.Client,
                Name = i == 0 ? "get /" : $"call {i}",
                Timestamp = start + i * 10,
                Duration = 100 + i,
                LocalEndpoint = Endpoint.Create(service, "10.0.0.1", null, 8080),
            };
            builder.PutTag("http.path", "/api/" + i);
            list.Add(builder.Build());
        }
        return list;
    }
}
