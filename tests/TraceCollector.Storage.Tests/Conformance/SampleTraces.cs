using TraceCollector.Model;
using TraceCollector.Storage.Tests.Support;

namespace TraceCollector.Storage.Tests.Conformance;

/// <summary>The traces the conformance suite writes; times are epoch microseconds.</summary>
public static class SampleTraces
{
    public static readonly Endpoint Frontend = Endpoint.Create("frontend", "172.17.0.13", null, 0)!;
    public static readonly Endpoint Backend = Endpoint.Create("backend", "192.168.99.101", null, 9000)!;

    /// <summary>
    /// frontend serves "get /" (350 ms) and calls backend "get /api" (client 250 ms, shared server
    /// 150 ms), which queries mysql (50 ms). Links: frontend→backend, backend→mysql.
    /// </summary>
    public static Span[] ThreeServices(TraceId traceId, long start)
    {
        var root = new SpanBuilder
        {
            TraceId = traceId, Id = 1, Kind = SpanKind.Server, Name = "get /", Timestamp = start, Duration = 350_000,
            LocalEndpoint = Frontend,
        }.PutTag("http.method", "GET").PutTag("http.path", "/").Build();
        var client = new SpanBuilder
        {
            TraceId = traceId, Id = 2, ParentId = 1, Kind = SpanKind.Client, Name = "get /api", Timestamp = start + 50_000,
            Duration = 250_000, LocalEndpoint = Frontend, RemoteEndpoint = Spans.Service("backend"),
        }.AddAnnotation(start + 60_000, "ws").AddAnnotation(start + 290_000, "wr").PutTag("http.path", "/api").Build();
        var server = new SpanBuilder
        {
            TraceId = traceId, Id = 2, ParentId = 1, Kind = SpanKind.Server, Name = "get /api", Timestamp = start + 100_000,
            Duration = 150_000, LocalEndpoint = Backend, RemoteEndpoint = Endpoint.Create(null, "172.17.0.13", null, 0), Shared = true,
        }.AddAnnotation(start + 110_000, "cache.miss").PutTag("http.method", "GET").PutTag("http.path", "/api").PutTag("environment", "prod").Build();
        var query = new SpanBuilder
        {
            TraceId = traceId, Id = 3, ParentId = 2, Kind = SpanKind.Client, Name = "query", Timestamp = start + 120_000,
            Duration = 50_000, LocalEndpoint = Backend, RemoteEndpoint = Spans.Service("mysql"),
        }.PutTag("sql.query", "select 1").Build();
        return [root, client, server, query];
    }

    /// <summary>One SERVER span of <paramref name="service"/>: the smallest searchable trace.</summary>
    public static Span Single(TraceId traceId, long timestamp, string service = "frontend", string name = "get", long duration = 1_000) =>
        Spans.Make(traceId, 1, kind: SpanKind.Server, name: name, timestamp: timestamp, duration: duration, local: service);
}
