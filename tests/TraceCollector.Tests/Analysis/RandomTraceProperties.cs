using TraceCollector.Analysis;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

/// <summary>
/// Seeded random trees (so a failure names a seed that reproduces it): children that outlive their
/// parents or start after them, unfinished spans, lost parents, RPCs to hosts with skewed clocks,
/// and messages.
/// </summary>
public class RandomTraceProperties
{
    public static IEnumerable<object[]> Seeds()
    {
        for (int seed = 1; seed <= 300; seed++) yield return new object[] { seed };
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SegmentsTileTheRootsWindowExactly(int seed)
    {
        var spans = RandomTrace(seed);
        var path = TraceAnalysis.CriticalPath(spans);
        var root = TraceAnalysis.CorrectedTree(spans).Root;
        if (root is { Timestamp: > 0, Duration: > 0 })
        {
            Assert.Equal(root.Timestamp, path.Start);
            Assert.Equal(root.Duration, path.Duration);
        }
        long sum = 0;
        long cursor = path.Start;
        foreach (var s in path.Segments)
        {
            Assert.True(s.End > s.Start, $"seed {seed}: empty segment {s}");
            Assert.True(s.Start == cursor, $"seed {seed}: segment {s} does not start where the previous ended ({cursor}): a gap or an overlap");
            cursor = s.End;
            sum += s.Duration;
        }
        if (path.Segments.Count > 0) Assert.Equal(path.End, cursor);
        Assert.Equal(path.Duration, sum);
        Assert.Equal(sum, path.SelfTimes.Sum(x => x.SelfTime));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NetworkTimeIsNeverNegativeAfterCorrection(int seed)
    {
        foreach (var pair in TraceAnalysis.NetworkLatency(RandomTrace(seed)))
        {
            Assert.True(pair.RequestLeg is null or >= 0, $"seed {seed}: {pair}");
            Assert.True(pair.ResponseLeg is null or >= 0, $"seed {seed}: {pair}");
            Assert.True(pair.Total is null or >= 0, $"seed {seed}: {pair}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RawSpansAreNeverChanged(int seed)
    {
        var spans = RandomTrace(seed);
        var copy = spans.ToArray();
        TraceAnalysis.CriticalPath(spans);
        TraceAnalysis.NetworkLatency(spans);
        Assert.Equal(copy, spans);
    }

    internal static IReadOnlyList<Span> RandomTrace(int seed, int? size = null)
    {
        var random = new Random(seed);
        int n = size ?? random.Next(1, 80);
        var hostSkew = new long[5];
        for (int h = 1; h < hostSkew.Length; h++) hostSkew[h] = random.Next(3) == 0 ? 0 : random.Next(-50_000, 50_000);
        var t = new TraceFixture();
        var starts = new List<(ulong Id, long Start, long End, int Host)>();
        bool rootless = random.Next(10) == 0;
        t.Add(1, rootless ? 999_999ul : 0ul, "svc0", 0, 100_000, SpanKind.Server, "10.0.0.0");
        starts.Add((1, 0, 100_000, 0));
        ulong nextId = 2;
        for (int i = 1; i < n; i++)
        {
            var parent = starts[random.Next(starts.Count)];
            long length = Math.Max(1, parent.End - parent.Start);
            long start = parent.Start + random.NextInt64(-length / 10, length + length / 10);
            long duration = random.NextInt64(0, length);
            long? dur = random.Next(15) == 0 ? null : duration;
            ulong parentId = random.Next(20) == 0 ? 500_000ul + (ulong)i : parent.Id; // lost parent
            int shape = random.Next(4);
            if (shape == 0)
            {
                // an RPC: client on the parent's host, server (same id) on another host whose clock is off
                int host = random.Next(1, hostSkew.Length);
                ulong id = nextId++;
                t.Add(id, parentId, $"svc{parent.Host}", start, dur, SpanKind.Client, $"10.0.0.{parent.Host}");
                long inner = duration == 0 ? 0 : random.NextInt64(0, duration + 1);
                long serverStart = start + (duration - inner) / 2 + hostSkew[host];
                t.Add(id, parentId, $"svc{host}", serverStart, inner == 0 ? null : inner, SpanKind.Server, $"10.0.0.{host}", shared: true);
                starts.Add((id, start + (duration - inner) / 2, start + (duration - inner) / 2 + inner, host));
            }
            else if (shape == 1)
            {
                ulong producer = nextId++, consumer = nextId++;
                int host = random.Next(1, hostSkew.Length);
                t.Add(producer, parentId, $"svc{parent.Host}", start, 1 + duration / 10, SpanKind.Producer, $"10.0.0.{parent.Host}");
                t.Add(consumer, producer, $"svc{host}", start + random.Next(0, 5000) + hostSkew[host], dur, SpanKind.Consumer, $"10.0.0.{host}");
            }
            else
            {
                ulong id = nextId++;
                t.Add(id, parentId, $"svc{parent.Host}", start, dur, ip: $"10.0.0.{parent.Host}");
                starts.Add((id, start, start + duration, parent.Host));
            }
        }
        return t.Spans;
    }
}
