using TraceCollector.Analysis;
using TraceCollector.Analysis.NetworkLatency;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

public class NetworkLatencyTests
{
    [Fact]
    public void SharedSpan_LegsAndTotal()
    {
        // client [100,900], server [150,750]: request 50, response 150, total 800 − 600 = 200.
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 150, 600, SpanKind.Server, "10.0.0.2", shared: true);
        var pair = Assert.Single(TraceAnalysis.NetworkLatency(t.Spans));
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 50, 150, 200), pair);
    }

    [Fact]
    public void ServerChildWithItsOwnId_IsTheCounterpart()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(2, 1, "back", 150, 600, SpanKind.Server, "10.0.0.2");
        var pair = Assert.Single(TraceAnalysis.NetworkLatency(t.Spans));
        Assert.Equal(new NetworkLatencyPair(false, 1, 2, "front", "back", 50, 150, 200), pair);
    }

    [Fact]
    public void SkewedServer_IsMeasuredAfterCorrection()
    {
        // server 5000 µs behind: corrected to [200,800] inside [100,900]: 100 each way.
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", -4900, 600, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 100, 100, 200), Assert.Single(TraceAnalysis.NetworkLatency(t.Spans)));

        var ahead = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 5100, 600, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 100, 100, 200), Assert.Single(TraceAnalysis.NetworkLatency(ahead.Spans)));
    }

    [Fact]
    public void UncorrectablePair_NoAddresses_IsStillNeverNegative()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client)
            .Add(1, 0, "back", -4900, 600, SpanKind.Server, shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 100, 100, 200), Assert.Single(TraceAnalysis.NetworkLatency(t.Spans)));
    }

    [Fact]
    public void ProducerToEachConsumer_RequestLegOnly()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 10, SpanKind.Producer, "10.0.0.1")
            .Add(2, 1, "worker", 130, 5, SpanKind.Consumer, "10.0.0.2")
            .Add(3, 1, "audit", 170, 5, SpanKind.Consumer, "10.0.0.3");
        var pairs = TraceAnalysis.NetworkLatency(t.Spans);
        Assert.Equal(new[]
        {
            new NetworkLatencyPair(true, 1, 2, "front", "worker", 30, null, 30),
            new NetworkLatencyPair(true, 1, 3, "front", "audit", 70, null, 70),
        }, pairs);
    }

    [Fact]
    public void ServerOutlastingItsClient_HasNoResponseLegOrTotal()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 50, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 120, 500, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 20, null, null), Assert.Single(TraceAnalysis.NetworkLatency(t.Spans)));
    }

    [Fact]
    public void MissingDurationsOrTimestamps_LeaveFiguresUnknown()
    {
        var oneWay = new TraceFixture()
            .Add(1, 0, "front", 100, null, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 130, null, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", 30, null, null), Assert.Single(TraceAnalysis.NetworkLatency(oneWay.Spans)));

        var noTimestamp = new TraceFixture()
            .Add(1, 0, "front", null, null, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 130, 20, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(new NetworkLatencyPair(false, 1, 1, "front", "back", null, null, null), Assert.Single(TraceAnalysis.NetworkLatency(noTimestamp.Spans)));
    }

    [Fact]
    public void ClientWithoutServer_HasNoPair_AndServerNameFallsBackToTheRemoteService()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1", remoteService: "mysql");
        Assert.Empty(TraceAnalysis.NetworkLatency(t.Spans));

        var unnamedServer = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1", remoteService: "back")
            .Add(1, 0, "", 150, 600, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal("back", Assert.Single(TraceAnalysis.NetworkLatency(unnamedServer.Spans)).ServerServiceName);
    }
}
