using TraceCollector.Model;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Dependencies;

public class DependencyLinkerTests
{
    private static readonly TraceId Trace = Id64(0x77);

    private static IReadOnlyList<DependencyLink> Link(params Span[] spans) => DependencyLinker.Link([spans]);

    [Fact]
    public void SharedRpcCountsOnceNamedByTheServer()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 2, local: "frontend", remote: "backend-lb"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Server, timestamp: 3, local: "backend", shared: true));
        Assert.Equal([new DependencyLink("frontend", "backend", 1, 0)], links);
    }

    [Fact]
    public void ClientWithoutServerSideIsNamedByTheClient()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 2, local: "frontend", remote: "mysql"));
        Assert.Equal([new DependencyLink("frontend", "mysql", 1, 0)], links);
    }

    [Fact]
    public void RootServerWithKnownCallerLinksFromIt()
    {
        var links = Link(Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "backend", remote: "browser"));
        Assert.Equal([new DependencyLink("browser", "backend", 1, 0)], links);
    }

    [Fact]
    public void OnlyTheErrorTagCountsAsAnError()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, local: "frontend", remote: "a", tags: [("error", "")]),
            Make(Trace, 3, parentId: 1, kind: SpanKind.Client, local: "frontend", remote: "b", annotations: [(5, "error")]));
        Assert.Equal([new DependencyLink("frontend", "a", 1, 1), new DependencyLink("frontend", "b", 1, 0)], links);
    }

    [Fact]
    public void ServerInheritsTheErrorOfItsClient()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, local: "frontend", remote: "backend", tags: [("error", "timeout")]),
            Make(Trace, 3, parentId: 2, kind: SpanKind.Server, local: "backend"));
        Assert.Equal([new DependencyLink("frontend", "backend", 1, 1)], links);
    }

    [Fact]
    public void MessagingLinksGoThroughTheBroker()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Producer, timestamp: 1, local: "producer", remote: "kafka"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Consumer, timestamp: 2, local: "consumer", remote: "kafka"));
        Assert.Equal([new DependencyLink("kafka", "consumer", 1, 0), new DependencyLink("producer", "kafka", 1, 0)], links);
    }

    [Fact]
    public void MessagingSpanWithoutBrokerIsSkipped()
    {
        Assert.Empty(Link(
            Make(Trace, 1, kind: SpanKind.Producer, timestamp: 1, local: "producer"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Consumer, timestamp: 2, local: "consumer")));
    }

    [Fact]
    public void HeadlessTraceStillLinksItsKnownCalls()
    {
        // The root (id 1) was never reported.
        var links = Link(
            Make(Trace, 2, parentId: 1, kind: SpanKind.Server, timestamp: 2, local: "backend", remote: "frontend"),
            Make(Trace, 3, parentId: 2, kind: SpanKind.Client, timestamp: 3, local: "backend", remote: "db"));
        Assert.Equal([new DependencyLink("backend", "db", 1, 0), new DependencyLink("frontend", "backend", 1, 0)], links);
    }

    [Fact]
    public void KindIsNotRequiredWhenBothEndpointsAreKnown()
    {
        var links = Link(Make(Trace, 1, timestamp: 1, local: "web", remote: "db"));
        Assert.Equal([new DependencyLink("web", "db", 1, 0)], links);
    }

    [Fact]
    public void LocalSpansBetweenServerAndClientAreLookedThrough()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, timestamp: 2, local: "frontend", name: "local work"),
            Make(Trace, 3, parentId: 2, kind: SpanKind.Client, timestamp: 3, local: "frontend", remote: "backend"),
            Make(Trace, 3, parentId: 2, kind: SpanKind.Server, timestamp: 4, local: "backend", shared: true));
        Assert.Equal([new DependencyLink("frontend", "backend", 1, 0)], links);
    }

    [Fact]
    public void MissingHopIntoAClientServiceIsBackFilled()
    {
        // "backend" reported only its client span; the hop frontend -> backend is inferred.
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 2, local: "backend", remote: "db"));
        Assert.Equal([new DependencyLink("backend", "db", 1, 0), new DependencyLink("frontend", "backend", 1, 0)], links);
    }

    [Fact]
    public void DuplicatesAndFragmentsDoNotDoubleCount()
    {
        var client = Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 2, local: "frontend", remote: "backend");
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "frontend"),
            client, client, Make(Trace, 2, kind: SpanKind.Client, duration: 9, local: "frontend"));
        Assert.Equal([new DependencyLink("frontend", "backend", 1, 0)], links);
    }

    [Fact]
    public void LoopbackLinksAreKept()
    {
        var links = Link(
            Make(Trace, 1, kind: SpanKind.Server, timestamp: 1, local: "web"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 2, local: "web", remote: "web"),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Server, timestamp: 3, local: "web", shared: true));
        Assert.Equal([new DependencyLink("web", "web", 1, 0)], links);
    }

    [Fact]
    public void MergeLinksSumsByParentAndChild()
    {
        var merged = DependencyLinker.MergeLinks([new("a", "b", 2, 1), new("a", "c", 1, 0), new("a", "b", 3, 0)]);
        Assert.Equal([new DependencyLink("a", "b", 5, 1), new DependencyLink("a", "c", 1, 0)], merged);
    }
}
