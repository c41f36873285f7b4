using TraceCollector.Analysis;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

/// <summary>Each expectation was written by hand from the trace's picture before running the code.</summary>
public class CriticalPathTests
{
    private static (ulong, long, long)[] PathOf(TraceFixture t) => TraceFixture.Relative(TraceAnalysis.CriticalPath(t.Spans).Segments);

    [Fact]
    public void SequentialChildren_AreEachOnThePathInFull()
    {
        // A [0,100] ─ B [10,40] then C [40,90]
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 10, 30).Add(0xc, 0xa, "s", 40, 50);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 10), (0xb, 10, 40), (0xc, 40, 90), (0xa, 90, 100) }, PathOf(t));
    }

    [Fact]
    public void ParallelChildren_OnlyTheLastFinishingOneIsOnThePath()
    {
        // A [0,100] ─ B [10,60] ∥ C [20,80]: walking back from 100, C ends last; before C starts, B is still running, so A waits on nothing else.
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 10, 50).Add(0xc, 0xa, "s", 20, 60);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 20), (0xc, 20, 80), (0xa, 80, 100) }, PathOf(t));
    }

    [Fact]
    public void ParallelThenSequential_ThePathGoesBackThroughTheChildThatEndedBeforeTheNextStarted()
    {
        // A [0,100] ─ B [5,30] ∥ C [10,20], then D [40,95]
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 5, 25).Add(0xc, 0xa, "s", 10, 10).Add(0xd, 0xa, "s", 40, 55);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 5), (0xb, 5, 30), (0xa, 30, 40), (0xd, 40, 95), (0xa, 95, 100) }, PathOf(t));
    }

    [Fact]
    public void ChildOutlivingItsParent_IsCutAtTheParentsEnd()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 50, 100);
        var path = TraceAnalysis.CriticalPath(t.Spans);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 50), (0xb, 50, 100) }, TraceFixture.Relative(path.Segments));
        Assert.Equal(100, path.Duration);
    }

    [Fact]
    public void ChildStartingAfterItsParentEnded_IsOffThePath()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 120, 30);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 100) }, PathOf(t));
    }

    [Fact]
    public void AsyncConsumer_DoesNotBlockItsProducer()
    {
        // S [0,100] ─ P (PRODUCER) [10,20] ─ C (CONSUMER) [50,90] ─ D [60,80]. Nobody waits for the message.
        var t = new TraceFixture()
            .Add(0x1, 0, "front", 0, 100, SpanKind.Server, "10.0.0.1")
            .Add(0x2, 0x1, "front", 10, 10, SpanKind.Producer, "10.0.0.1")
            .Add(0x3, 0x2, "worker", 50, 40, SpanKind.Consumer, "10.0.0.2")
            .Add(0x4, 0x3, "worker", 60, 20, ip: "10.0.0.2");
        Assert.Equal(new (ulong, long, long)[] { (0x1, 0, 10), (0x2, 10, 20), (0x1, 20, 100) }, PathOf(t));
    }

    [Fact]
    public void ServerClockBehind_PathUsesTheCorrectedServer()
    {
        // F [0,1000] ─ client [100,900] ─ server (5000 µs behind, corrected to [200,800]) ─ local [300,600]
        var t = new TraceFixture()
            .Add(0x1, 0, "front", 0, 1000, SpanKind.Server, "10.0.0.1")
            .Add(0x2, 0x1, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(0x2, 0x1, "back", -4900, 600, SpanKind.Server, "10.0.0.2", shared: true)
            .Add(0x3, 0x2, "back", -4800, 300, ip: "10.0.0.2");
        Assert.Equal(ExpectedSkewPath, PathOf(t));
    }

    [Fact]
    public void ServerClockAhead_PathUsesTheCorrectedServer()
    {
        var t = new TraceFixture()
            .Add(0x1, 0, "front", 0, 1000, SpanKind.Server, "10.0.0.1")
            .Add(0x2, 0x1, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(0x2, 0x1, "back", 5100, 600, SpanKind.Server, "10.0.0.2", shared: true)
            .Add(0x3, 0x2, "back", 5200, 300, ip: "10.0.0.2");
        Assert.Equal(ExpectedSkewPath, PathOf(t));
    }

    private static readonly (ulong, long, long)[] ExpectedSkewPath =
    {
        (0x1, 0, 100), (0x2, 100, 200), (0x2, 200, 300), (0x3, 300, 600), (0x2, 600, 800), (0x2, 800, 900), (0x1, 900, 1000),
    };

    [Fact]
    public void SharedSpanId_SegmentsSayWhichSideTheyBelongTo()
    {
        var t = new TraceFixture()
            .Add(0x2, 0, "front", 100, 800, SpanKind.Client, "10.0.0.1")
            .Add(0x2, 0, "back", 200, 600, SpanKind.Server, "10.0.0.2", shared: true);
        var segments = TraceAnalysis.CriticalPath(t.Spans).Segments;
        Assert.Equal(new[] { "front", "back", "front" }, segments.Select(s => s.ServiceName).ToArray());
        Assert.Equal(new[] { SpanKind.Client, SpanKind.Server, SpanKind.Client }, segments.Select(s => s.Kind).ToArray());
    }

    [Fact]
    public void MissingParent_OrphanHangsOffTheRoot()
    {
        // C's parent B was never reported: C hangs under the root A.
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xc, 0xb, "s", 30, 40);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 30), (0xc, 30, 70), (0xa, 70, 100) }, PathOf(t));
    }

    [Fact]
    public void MissingRoot_SeveralTopSpansAreJoinedByAGap()
    {
        // X [0,50] and Y [60,100] both lost their parent: the synthetic root spans [0,100], with a gap (span id 0) between.
        var t = new TraceFixture().Add(0x1, 0xf, "s", 0, 50).Add(0x2, 0xf, "s", 60, 40);
        var path = TraceAnalysis.CriticalPath(t.Spans);
        Assert.Equal(new (ulong, long, long)[] { (0x1, 0, 50), (0x0, 50, 60), (0x2, 60, 100) }, TraceFixture.Relative(path.Segments));
        Assert.Equal(100, path.Duration);
    }

    [Fact]
    public void SeveralRoots_LaterRootsHangUnderTheFirst()
    {
        var t = new TraceFixture().Add(0x1, 0, "s", 0, 100).Add(0x2, 0, "s", 40, 20);
        Assert.Equal(new (ulong, long, long)[] { (0x1, 0, 40), (0x2, 40, 60), (0x1, 60, 100) }, PathOf(t));
    }

    [Fact]
    public void UnfinishedSpan_EndsWithItsLastChild()
    {
        // A [0,100] ─ B (no duration, starts 20) ─ C [30,60]: B is taken to end at 60.
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 20, null).Add(0xc, 0xb, "s", 30, 30);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 20), (0xb, 20, 30), (0xc, 30, 60), (0xa, 60, 100) }, PathOf(t));
    }

    [Fact]
    public void UnfinishedLeaf_IsAPointAndZeroLengthChildrenAreSkippedOnce()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 50, null).Add(0xc, 0xa, "s", 50, 0);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 100) }, PathOf(t));
    }

    [Fact]
    public void UnfinishedRoot_EndsWithItsLastChild()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", 0, null).Add(0xb, 0xa, "s", 10, 30);
        var path = TraceAnalysis.CriticalPath(t.Spans);
        Assert.Equal(new (ulong, long, long)[] { (0xa, 0, 10), (0xb, 10, 40) }, TraceFixture.Relative(path.Segments));
    }

    [Fact]
    public void NoTimestampsAtAll_IsAnEmptyPath()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", null, null).Add(0xb, 0xa, "s", null, null);
        Assert.Empty(TraceAnalysis.CriticalPath(t.Spans).Segments);
    }

    [Fact]
    public void SelfTimes_SumSegmentsPerSpan_LargestFirst()
    {
        var t = new TraceFixture().Add(0xa, 0, "s", 0, 100).Add(0xb, 0xa, "s", 10, 30).Add(0xc, 0xa, "s", 40, 50);
        var self = TraceAnalysis.CriticalPath(t.Spans).SelfTimes;
        Assert.Equal(new (ulong, long)[] { (0xc, 50), (0xb, 30), (0xa, 20) }, self.Select(s => (s.SpanId, s.SelfTime)).ToArray());
    }

    [Fact]
    public void TenThousandSequentialChildren()
    {
        // R [0,100000] with children c_i [10i+5, 10i+10] for i < 9999: every child is on the path in full,
        // the root's self time is everything else: 100000 − 9999·5 = 50005.
        var t = new TraceFixture().Add(1, 0, "root", 0, 100_000);
        for (int i = 0; i < 9999; i++) t.Add((ulong)(i + 2), 1, "child", 10 * i + 5, 5);
        var path = TraceAnalysis.CriticalPath(t.Spans);
        Assert.Equal(9999 * 2 + 1, path.Segments.Count);
        Assert.Equal((1ul, 99_990L, 100_000L), TraceFixture.Relative(path.Segments)[^1]);
        Assert.Equal((10_000ul, 99_985L, 99_990L), TraceFixture.Relative(path.Segments)[^2]);
        Assert.Equal(50_005, path.SelfTimes[0].SelfTime);
        Assert.Equal(1ul, path.SelfTimes[0].SpanId);
        Assert.Equal(100_000, path.Segments.Sum(s => s.Duration));
    }

    [Fact]
    public void TenThousandDeepChain_DoesNotExhaustTheStack()
    {
        // c_k [k, 200000 − k] under c_(k−1): every span but the deepest spends 1 µs at each end; the deepest, c_9999, 180002.
        var t = new TraceFixture();
        for (int k = 0; k < 10_000; k++) t.Add((ulong)(k + 1), (ulong)k, "s", k, 200_000 - 2 * k);
        var path = TraceAnalysis.CriticalPath(t.Spans);
        Assert.Equal(200_000, path.Duration);
        Assert.Equal(2 * 9999 + 1, path.Segments.Count);
        Assert.Equal(10_000ul, path.SelfTimes[0].SpanId);
        Assert.Equal(180_002, path.SelfTimes[0].SelfTime);
        Assert.All(path.SelfTimes.Skip(1), s => Assert.Equal(2, s.SelfTime));
    }
}
