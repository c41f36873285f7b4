using TraceCollector.Model;

namespace TraceCollector.Query.Tests.Infrastructure;

/// <summary>
/// A small, known site: a web front end calling a backend, the backend calling an uninstrumented
/// database, a worker producing to Kafka, one 128-bit trace and one trace older than a day. Times
/// are relative to <see cref="NowMicros"/>, so the default lookback (one day) sees all but the old one.
/// </summary>
internal sealed class SampleTraces
{
    public SampleTraces(DateTimeOffset now)
    {
        NowMicros = now.ToUnixTimeMilliseconds() * 1000;
        long t1 = NowMicros - 60_000_000, t2 = NowMicros - 30_000_000, t3 = NowMicros - 20_000_000, t4 = NowMicros - 10_000_000;
        var browser = Endpoint.Create(null, "203.0.113.7", null, 51234);
        var frontend = Endpoint.Create("frontend", "10.0.0.1", null, 8080);
        var backend = Endpoint.Create("backend", "10.0.0.2", "2001:db8::2", 9000);
        var worker = Endpoint.Create("worker", "10.0.0.3", null, 0);

        Checkout =
        [
            Span(FrontendTraceId, 0, 0xa1, SpanKind.Server, "get /checkout", t1, 150_000, frontend, browser, tags: [("http.method", "GET")]),
            Span(FrontendTraceId, 0xa1, 0xa2, SpanKind.Client, "post /api/pay", t1 + 10_000, 120_000, frontend, Endpoint.Create("backend", null, null, 0)),
            Span(FrontendTraceId, 0xa1, 0xa2, SpanKind.Server, "post /api/pay", t1 + 20_000, 100_000, backend, frontend, shared: true,
                tags: [("http.method", "POST"), ("error", "payment declined")]),
        ];
        Database =
        [
            Span(BackendTraceId, 0, 0xb1, SpanKind.Server, "post /api/refund", t2, 40_000, backend, frontend,
                tags: [("http.method", "POST"), ("environment", "prod")], annotations: [(t2 + 5_000, "retried")]),
            Span(BackendTraceId, 0xb1, 0xb2, SpanKind.Client, "query", t2 + 10_000, 20_000, backend, Endpoint.Create("mysql", "10.0.0.9", null, 3306)),
        ];
        Messaging =
        [
            Span(WorkerTraceId, 0, 0xc1, SpanKind.Producer, "send", t3, 5_000, worker, Endpoint.Create("kafka", null, null, 0),
                tags: [("environment", "staging")]),
        ];
        Wide =
        [
            Span(WideTraceId, 0, 0xd1, SpanKind.Server, "get /health", t4, 1_000, frontend, null, tags: [("environment", "dev")]),
        ];
        Old =
        [
            Span(OldTraceId, 0, 0xe1, SpanKind.Server, "get /old", NowMicros - 3L * 86_400_000_000, 2_000, frontend, null),
        ];
    }

    public static readonly TraceId FrontendTraceId = new(0, 0x1000000000000001);
    public static readonly TraceId BackendTraceId = new(0, 0x1000000000000002);
    public static readonly TraceId WorkerTraceId = new(0, 0x1000000000000003);
    public static readonly TraceId WideTraceId = new(0x4e441824ec2b6a44, 0xffdc9bb9a6453df3);
    public static readonly TraceId OldTraceId = new(0, 0x1000000000000005);

    public long NowMicros { get; }

    public long NowMillis => NowMicros / 1000;

    public Span[] Checkout { get; }
    public Span[] Database { get; }
    public Span[] Messaging { get; }
    public Span[] Wide { get; }
    public Span[] Old { get; }

    public IReadOnlyList<Span[]> All => [Checkout, Database, Messaging, Wide, Old];

    public static Span Span(TraceId traceId, ulong parentId, ulong id, SpanKind kind, string name, long timestamp, long duration,
        Endpoint? local, Endpoint? remote, bool shared = false, (string Key, string Value)[]? tags = null, (long At, string Value)[]? annotations = null)
    {
        var b = new SpanBuilder
        {
            TraceId = traceId, ParentId = parentId, Id = id, Kind = kind, Name = name, Timestamp = timestamp, Duration = duration,
            LocalEndpoint = local, RemoteEndpoint = remote, Shared = shared,
        };
        foreach (var (key, value) in tags ?? []) b.PutTag(key, value);
        foreach (var (at, value) in annotations ?? []) b.AddAnnotation(at, value);
        return b.Build();
    }
}
