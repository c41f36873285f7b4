using TraceCollector.Analysis;
using TraceCollector.Analysis.Skew;
using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

public class ClockSkewTests
{
    private static Span Corrected(SpanTree tree, ulong id, SpanKind kind) => tree.SpanAt(SpanTreeBuilderTests.FindNode(tree, id, kind))!;

    [Fact]
    public void SkewJson_ServerSubtreeIsCentredInTheClientsWindow()
    {
        // From the file: client servicea post starts 1470150004074202 (94539 µs); its server on serviceb
        // starts 1470150004008761 (93577 µs), 65441 µs before the client. Latency = (94539 − 93577) / 2
        // = 481, so the server starts at 074202 + 481 = 074683, and its local child 1 µs later.
        var raw = TraceFixture.LoadZipkinTestData("skew.json");
        var tree = TraceAnalysis.CorrectedTree(raw);

        Assert.Equal(1470150004074683, Corrected(tree, 0x74280ae0c10d8062, SpanKind.Server).Timestamp);
        Assert.Equal(1470150004074684, Corrected(tree, 0x43210ae0c10d1234, SpanKind.Unspecified).Timestamp);
        Assert.Equal(1470150004074202, Corrected(tree, 0x74280ae0c10d8062, SpanKind.Client).Timestamp);
        Assert.Equal(1470150004071068, Corrected(tree, 0xbf396325699c84bf, SpanKind.Server).Timestamp);
        // Raw spans stay as stored.
        Assert.Contains(raw, s => s.Id == 0x74280ae0c10d8062 && s.Kind == SpanKind.Server && s.Timestamp == 1470150004008761);
    }

    [Fact]
    public void ServerClockBehind_IsShiftedForward_WithItsHostsDescendantsAndAnnotations()
    {
        // Client [100, 900]; server (clock 5000 µs behind) reports [-4900, -4300]: latency (800 − 600) / 2 = 100.
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", -4900, 600, SpanKind.Server, "10.0.0.2", shared: true)
            .Add(2, 1, "back", -4800, 300, ip: "10.0.0.2")
            .Add(3, 2, "back", -4700, 100, SpanKind.Client, "10.0.0.2");
        var tree = TraceAnalysis.CorrectedTree(t.Spans);
        Assert.Equal(TraceFixture.Epoch + 200, Corrected(tree, 1, SpanKind.Server).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 200, Corrected(tree, 1, SpanKind.Server).Annotations[0].Timestamp);
        Assert.Equal(TraceFixture.Epoch + 300, Corrected(tree, 2, SpanKind.Unspecified).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 400, Corrected(tree, 3, SpanKind.Client).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 100, Corrected(tree, 1, SpanKind.Client).Timestamp);
    }

    [Fact]
    public void ServerClockAhead_EndingAfterTheClient_IsShiftedBack()
    {
        // Lens leaves a server that starts after its client alone; this one ends 4800 µs after it, so centre it.
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 5100, 600, SpanKind.Server, "10.0.0.2", shared: true)
            .Add(2, 1, "back", 5200, 300, ip: "10.0.0.2");
        var tree = TraceAnalysis.CorrectedTree(t.Spans);
        Assert.Equal(TraceFixture.Epoch + 200, Corrected(tree, 1, SpanKind.Server).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 300, Corrected(tree, 2, SpanKind.Unspecified).Timestamp);
    }

    [Fact]
    public void ServerInsideItsClientsWindow_IsLeftAlone()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 150, 600, SpanKind.Server, "10.0.0.2", shared: true);
        var tree = TraceAnalysis.CorrectedTree(t.Spans);
        Assert.Equal(TraceFixture.Epoch + 150, Corrected(tree, 1, SpanKind.Server).Timestamp);
    }

    [Fact]
    public void SameHostOrNoAddress_IsNotCorrected()
    {
        var sameHost = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", -4900, 600, SpanKind.Server, "10.0.0.1", shared: true);
        Assert.Equal(TraceFixture.Epoch - 4900, Corrected(TraceAnalysis.CorrectedTree(sameHost.Spans), 1, SpanKind.Server).Timestamp);

        var noAddress = new TraceFixture()
            .Add(1, 0, "front", 100, 800, SpanKind.Client)
            .Add(1, 0, "back", -4900, 600, SpanKind.Server, shared: true);
        Assert.Equal(TraceFixture.Epoch - 4900, Corrected(TraceAnalysis.CorrectedTree(noAddress.Spans), 1, SpanKind.Server).Timestamp);
    }

    [Fact]
    public void OneWayAndAsyncServers_ArePushedOneMicrosecondAfterTheClient()
    {
        var oneWay = new TraceFixture()
            .Add(1, 0, "front", 100, null, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 40, null, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(TraceFixture.Epoch + 101, Corrected(TraceAnalysis.CorrectedTree(oneWay.Spans), 1, SpanKind.Server).Timestamp);

        var async = new TraceFixture()
            .Add(1, 0, "front", 100, 50, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", 40, 500, SpanKind.Server, "10.0.0.2", shared: true);
        Assert.Equal(TraceFixture.Epoch + 101, Corrected(TraceAnalysis.CorrectedTree(async.Spans), 1, SpanKind.Server).Timestamp);
    }

    [Fact]
    public void ConsumerBeforeItsProducer_IsPushedAfterIt()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 100, 10, SpanKind.Producer, "10.0.0.1")
            .Add(2, 1, "worker", 60, 5, SpanKind.Consumer, "10.0.0.3")
            .Add(3, 2, "worker", 62, 20, ip: "10.0.0.3");
        var tree = TraceAnalysis.CorrectedTree(t.Spans);
        Assert.Equal(TraceFixture.Epoch + 101, Corrected(tree, 2, SpanKind.Consumer).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 103, Corrected(tree, 3, SpanKind.Unspecified).Timestamp);
    }

    [Fact]
    public void DeeperPairsAreCorrectedAgainstTheirCorrectedCaller()
    {
        // back's clock runs 5000 µs behind and db's is right: once back's spans are corrected, db's
        // server lies inside back's corrected client window and stays where it is.
        var t = new TraceFixture()
            .Add(1, 0, "front", 0, 1000, SpanKind.Client, "10.0.0.1")
            .Add(1, 0, "back", -4900, 800, SpanKind.Server, "10.0.0.2", shared: true)       // → [100, 900]
            .Add(2, 1, "back", -4800, 400, SpanKind.Client, "10.0.0.2")                      // → [200, 600]
            .Add(2, 1, "db", 250, 300, SpanKind.Server, "10.0.0.3", shared: true);           // inside [200, 600]
        var tree = TraceAnalysis.CorrectedTree(t.Spans);
        Assert.Equal(TraceFixture.Epoch + 100, Corrected(tree, 1, SpanKind.Server).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 200, Corrected(tree, 2, SpanKind.Client).Timestamp);
        Assert.Equal(TraceFixture.Epoch + 250, Corrected(tree, 2, SpanKind.Server).Timestamp);
    }

    [Fact]
    public void IpsMatchFollowsLens()
    {
        Assert.True(ClockSkew.IpsMatch(Endpoint.Create("a", "10.0.0.1", null, 0), Endpoint.Create("b", "10.0.0.1", null, 0)));
        Assert.True(ClockSkew.IpsMatch(Endpoint.Create("a", null, "2001:db8::1", 0), Endpoint.Create("b", "10.0.0.9", "2001:db8::1", 0)));
        Assert.False(ClockSkew.IpsMatch(Endpoint.Create("a", null, null, 0), Endpoint.Create("a", null, null, 0)));
        Assert.False(ClockSkew.IpsMatch(Endpoint.Create("a", "10.0.0.1", null, 0), Endpoint.Create("a", "10.0.0.2", null, 0)));
    }
}
