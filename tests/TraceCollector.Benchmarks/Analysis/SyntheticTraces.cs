using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Analysis;

/// <summary>
/// Deterministic service traces for the analysis benchmarks: a root SERVER fanning out RPCs (CLIENT
/// plus shared SERVER on another host, some with a skewed clock), local work, and messages.
/// </summary>
internal static class SyntheticTraces
{
    private static readonly Endpoint[] Hosts = CreateHosts(12);
    private static readonly long[] HostSkew = { 0, 0, 3_000, -7_000, 0, 12_000, 0, -450, 0, 0, 90_000, 0 };

    public static IReadOnlyList<Span> Trace(int seed, int spanCount, long startMicros)
    {
        var random = new Random(seed);
        var traceId = new TraceId(0, (ulong)seed * 0x9E3779B97F4A7C15UL | 1);
        var spans = new List<Span>(spanCount + 2);
        var open = new List<(ulong Id, long Start, long End, int Host)>();
        spans.Add(Make(traceId, 0, 1, SpanKind.Server, "get /", startMicros, 1_000_000, 0));
        open.Add((1, startMicros, startMicros + 1_000_000, 0));
        ulong nextId = 2;
        while (spans.Count < spanCount)
        {
            var parent = open[random.Next(open.Count)];
            long length = Math.Max(2, parent.End - parent.Start);
            long start = parent.Start + random.NextInt64(0, length / 2);
            long duration = Math.Max(1, random.NextInt64(1, length - (start - parent.Start)));
            switch (random.Next(5))
            {
                case 0:
                case 1:
                {
                    int host = random.Next(Hosts.Length);
                    ulong id = nextId++;
                    long inner = Math.Max(1, duration * 9 / 10);
                    long serverStart = start + (duration - inner) / 2;
                    spans.Add(Make(traceId, parent.Id, id, SpanKind.Client, "call", start, duration, parent.Host));
                    spans.Add(Make(traceId, parent.Id, id, SpanKind.Server, "handle", serverStart + HostSkew[host], inner, host, shared: true));
                    open.Add((id, serverStart, serverStart + inner, host));
                    break;
                }
                case 2:
                {
                    int host = random.Next(Hosts.Length);
                    ulong producer = nextId++, consumer = nextId++;
                    spans.Add(Make(traceId, parent.Id, producer, SpanKind.Producer, "publish", start, 1 + duration / 20, parent.Host));
                    spans.Add(Make(traceId, producer, consumer, SpanKind.Consumer, "consume", start + 500 + HostSkew[host], duration, host));
                    break;
                }
                default:
                {
                    ulong id = nextId++;
                    spans.Add(Make(traceId, parent.Id, id, SpanKind.Unspecified, "work", start, duration, parent.Host));
                    open.Add((id, start, start + duration, parent.Host));
                    break;
                }
            }
        }
        return spans;
    }

    private static Span Make(TraceId traceId, ulong parentId, ulong id, SpanKind kind, string name, long timestamp, long duration, int host, bool shared = false) => new()
    {
        TraceId = traceId,
        ParentId = parentId,
        Id = id,
        Kind = kind,
        Name = name,
        Timestamp = timestamp,
        Duration = duration,
        LocalEndpoint = Hosts[host],
        Shared = shared,
    };

    private static Endpoint[] CreateHosts(int count)
    {
        var hosts = new Endpoint[count];
        for (int i = 0; i < count; i++) hosts[i] = Endpoint.Create($"service{i}", $"10.1.0.{i + 1}", null, 8080)!;
        return hosts;
    }
}
