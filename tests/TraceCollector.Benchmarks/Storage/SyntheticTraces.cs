using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Storage;

/// <summary>
/// Deterministic traces for the storage benchmarks: trace N is always the same ten spans, so the
/// query run can pick existing ids and names without reading them back. Every span is the "realistic
/// span": 128-bit trace id, parent, kind, name, local and remote endpoint (service, IPv4, port), one
/// annotation and three tags (http.method, http.path, http.status_code).
/// </summary>
public sealed class SyntheticTraces
{
    public const int SpansPerTrace = 10;
    public const int ServiceCount = 30;
    public const int RoutesPerService = 8;

    private readonly long _firstTraceMicros;
    private readonly long _spacingMicros;
    private readonly Endpoint[] _endpoints = new Endpoint[ServiceCount];

    /// <param name="traceCount">How many traces the full data set holds.</param>
    /// <param name="endMillis">The newest trace's start, epoch ms; traces are spread evenly over the 24 hours before it.</param>
    public SyntheticTraces(long traceCount, long endMillis)
    {
        TraceCount = traceCount;
        EndMillis = endMillis;
        _spacingMicros = Math.Max(1, 86_400_000_000L / traceCount);
        _firstTraceMicros = endMillis * 1000 - _spacingMicros * traceCount;
        for (int s = 0; s < ServiceCount; s++) _endpoints[s] = Endpoint.Create(ServiceName(s), $"10.0.{s}.{10 + s}", null, 8080 + s)!;
    }

    public long TraceCount { get; }

    public long EndMillis { get; }

    public static string ServiceName(int s) => $"svc-{s:D2}";

    public static string RouteName(int s, int r) => $"get /api/v1/{ServiceName(s)}/resource-{r}";

    public long TraceStartMicros(long n) => _firstTraceMicros + n * _spacingMicros;

    public static TraceId TraceIdOf(long n) => new(Mix((ulong)n * 2 + 1) | 1, Mix((ulong)n * 2 + 2) | 1);

    /// <summary>The ten spans of trace <paramref name="n"/>: a server root, four client/server pairs to other services, one database client.</summary>
    public void AddTrace(long n, List<Span> into)
    {
        var traceId = TraceIdOf(n);
        ulong rnd = Mix((ulong)n ^ 0x9E3779B97F4A7C15);
        int entry = (int)(rnd % 5);
        long start = TraceStartMicros(n);
        ulong rootId = Mix(rnd + 1) | 1;
        into.Add(Make(traceId, rootId, 0, SpanKind.Server, entry, (int)((rnd >> 8) % RoutesPerService), start, 20_000 + (long)(rnd >> 20) % 480_000, remote: null, rnd));
        for (int j = 0; j < 4; j++)
        {
            ulong r = Mix(rnd + 10 + (ulong)j);
            int callee = 5 + (int)(r % (ServiceCount - 5));
            int route = (int)((r >> 8) % RoutesPerService);
            long ts = start + 1_000 + j * 3_000;
            long duration = 1_000 + (long)(r >> 24) % 200_000;
            ulong clientId = Mix(r + 1) | 1, serverId = Mix(r + 2) | 1;
            into.Add(Make(traceId, clientId, rootId, SpanKind.Client, entry, route, ts, duration, callee, r));
            into.Add(Make(traceId, serverId, clientId, SpanKind.Server, callee, route, ts + 200, duration - 400, entry, r >> 3));
        }
        ulong d = Mix(rnd + 99);
        into.Add(Make(traceId, Mix(d) | 1, rootId, SpanKind.Client, entry, RoutesPerService - 1, start + 15_000, 500 + (long)(d % 20_000), ServiceCount - 1, d));
    }

    private Span Make(TraceId traceId, ulong id, ulong parent, SpanKind kind, int service, int route, long ts, long duration, int? remote, ulong r)
    {
        int status = (r >> 40) % 100 < 2 ? 500 : (r >> 40) % 100 < 3 ? 404 : 200;
        var b = new SpanBuilder
        {
            TraceId = traceId,
            Id = id,
            ParentId = parent,
            Kind = kind,
            Name = RouteName(service, route),
            Timestamp = ts,
            Duration = Math.Max(1, duration),
            LocalEndpoint = _endpoints[service],
            RemoteEndpoint = remote is { } rs ? _endpoints[rs] : Endpoint.Create(null, "192.168.1." + (r % 200), null, 40000 + (int)(r % 20000)),
        };
        b.AddAnnotation(ts + 50, kind == SpanKind.Client ? "wire.send" : "wire.recv");
        b.PutTag("http.method", (r >> 50) % 10 < 8 ? "GET" : "POST");
        b.PutTag("http.path", "/api/v1/" + ServiceName(service) + "/resource-" + route);
        b.PutTag("http.status_code", status == 200 ? "200" : status == 500 ? "500" : "404");
        return b.Build();
    }

    /// <summary>SplitMix64's finaliser: a cheap, well-spread bijection of 64-bit integers.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
