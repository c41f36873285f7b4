using TraceCollector.Analysis.Aggregation;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

public class AggregateTests
{
    [Fact]
    public void PercentilesAreNearestRank()
    {
        var values = Enumerable.Range(1, 100).Select(i => (long)(101 - i)).ToArray();
        Assert.Equal(new Percentiles(50, 90, 99), Percentiles.Of(values));
        Assert.Equal(new Percentiles(7, 7, 7), Percentiles.Of(new long[] { 7 }));
        Assert.Equal(new Percentiles(2, 3, 3), Percentiles.Of(new long[] { 3, 1, 2 }));
        Assert.Equal(default, Percentiles.Of(Span<long>.Empty));
    }

    [Fact]
    public void CriticalPathAcrossTraces_SharesAndTimeOnPath()
    {
        // Trace 1: A [0,100] ─ B [10,40] (B on path 30, A 70). Trace 2: A [0,50] ─ B [0,50] (B 50, A 0).
        // Total 150: B 80 (share 0.533), A 70 (0.467).
        var t1 = new TraceFixture().Add(1, 0, "s", 0, 100, name: "a").Add(2, 1, "s", 10, 30, name: "b").Spans;
        var t2 = new TraceFixture().Add(1, 0, "s", 0, 50, name: "a").Add(2, 1, "s", 0, 50, name: "b").Spans;
        var aggregate = CriticalPathAggregate.Of(new[] { t1, t2 });
        Assert.Equal(2, aggregate.TraceCount);
        Assert.Equal(150, aggregate.TotalTime);
        Assert.Equal(new[] { ("b", 80L, 2), ("a", 70L, 1) }, aggregate.Operations.Select(o => (o.SpanName!, o.TotalTime, o.TraceCount)).ToArray());
        Assert.Equal(80.0 / 150, aggregate.Operations[0].Share, 9);
        Assert.Equal(new Percentiles(30, 50, 50), aggregate.Operations[0].TimeOnPath);
    }

    [Fact]
    public void NetworkLatencyAcrossTraces_PerEdge()
    {
        IReadOnlyList<Span> Call(long clientDur, long serverDur, string server) => new TraceFixture()
            .Add(1, 0, "front", 0, clientDur, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, server, (clientDur - serverDur) / 2, serverDur, SpanKind.Server, "10.0.0.2", shared: true).Spans;
        var aggregate = NetworkLatencyAggregate.Of(new[] { Call(100, 90, "back"), Call(100, 80, "back"), Call(100, 50, "back"), Call(100, 99, "db") });
        Assert.Equal(4, aggregate.TraceCount);
        Assert.Equal(2, aggregate.Edges.Count);
        var back = aggregate.Edges[0];
        Assert.Equal(("front", "back", 3), (back.ClientServiceName, back.ServerServiceName, back.CallCount));
        Assert.Equal(new Percentiles(20, 50, 50), back.NetworkTime);
        Assert.True(aggregate.TryGetEdge("front", "db", out var db));
        Assert.Equal(new Percentiles(1, 1, 1), db.NetworkTime);
        Assert.False(aggregate.TryGetEdge("db", "front", out _));
    }
}
