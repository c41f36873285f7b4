using TraceCollector.Model;
using TraceCollector.Storage.Tests.Support;
using static TraceCollector.Storage.Tests.Support.Spans;

namespace TraceCollector.Storage.Tests.Merging;

public class TraceMergerTests
{
    private static readonly TraceId Trace = Id64(0x1234);

    [Fact]
    public void ExactDuplicatesComeBackOnce()
    {
        var span = Make(Trace, 1, name: "get", timestamp: 10, duration: 5, local: "frontend");
        var merged = TraceMerger.Merge([span, span, Make(Trace, 1, name: "get", timestamp: 10, duration: 5, local: "frontend")]);
        Assert.Equal([span], merged);
    }

    [Fact]
    public void LateAnnotationsAndLateDurationJoinTheirSpan()
    {
        var early = Make(Trace, 2, parentId: 1, kind: SpanKind.Client, name: "get", timestamp: 100, local: "frontend",
            annotations: [(100, "ws")]);
        var late = Make(Trace, 2, kind: SpanKind.Client, duration: 50, local: "frontend", remote: "backend",
            annotations: [(150, "wr")], tags: [("http.path", "/api")]);
        var merged = Assert.Single(TraceMerger.Merge([late, early]));
        Assert.Equal(1ul, merged.ParentId);
        Assert.Equal("get", merged.Name);
        Assert.Equal(100, merged.Timestamp);
        Assert.Equal(50, merged.Duration);
        Assert.Equal("backend", merged.RemoteServiceName);
        Assert.Equal([new Annotation(100, "ws"), new Annotation(150, "wr")], merged.Annotations.ToArray());
        Assert.True(merged.TryGetTag("http.path", out var path) && path == "/api");
    }

    [Fact]
    public void AFragmentWithoutKindOrEndpointJoinsTheSpanItCompletes()
    {
        var span = Make(Trace, 3, kind: SpanKind.Server, name: "get", timestamp: 10, local: "backend");
        var fragment = Make(Trace, 3, duration: 7);
        var merged = Assert.Single(TraceMerger.Merge([span, fragment]));
        Assert.Equal(SpanKind.Server, merged.Kind);
        Assert.Equal(7, merged.Duration);
    }

    [Fact]
    public void ClientAndServerHalvesOfASharedSpanStayTwo()
    {
        var client = Make(Trace, 2, parentId: 1, kind: SpanKind.Client, name: "get", timestamp: 10, duration: 20, local: "frontend", remote: "backend");
        var server = Make(Trace, 2, parentId: 1, kind: SpanKind.Server, name: "get", timestamp: 12, duration: 15, local: "backend", shared: true);
        var merged = TraceMerger.Merge([server, client]);
        Assert.Equal(2, merged.Count);
        Assert.Equal(client, merged[0]);
        Assert.Equal(server, merged[1]);
    }

    [Fact]
    public void ServerWithoutSharedFlagOrParentIsRepairedFromItsClient()
    {
        var client = Make(Trace, 2, parentId: 1, kind: SpanKind.Client, timestamp: 10, local: "frontend");
        var server = Make(Trace, 2, kind: SpanKind.Server, timestamp: 12, local: "backend");
        var merged = TraceMerger.Merge([server, client]);
        Assert.Equal(2, merged.Count);
        var repaired = merged.Single(s => s.Kind == SpanKind.Server);
        Assert.True(repaired.Shared);
        Assert.Equal(1ul, repaired.ParentId);
    }

    [Fact]
    public void ClientAndServerWithSameIdAndNoEndpointsAreNotMergedBecauseTheirKindsDiffer()
    {
        var client = Make(Trace, 2, kind: SpanKind.Client, timestamp: 10);
        var server = Make(Trace, 2, kind: SpanKind.Server, timestamp: 12);
        Assert.Equal(2, TraceMerger.Merge([client, server]).Count);
    }

    [Fact]
    public void DifferentLocalEndpointsAreDifferentSpans()
    {
        var a = Make(Trace, 5, kind: SpanKind.Server, timestamp: 10, shared: true, local: "backend-a");
        var b = Make(Trace, 5, kind: SpanKind.Server, timestamp: 10, shared: true, local: "backend-b");
        Assert.Equal(2, TraceMerger.Merge([a, b]).Count);
    }

    [Fact]
    public void EndpointsSentInPiecesAreCompleted()
    {
        var a = Make(Trace, 5, timestamp: 10, localEndpoint: Endpoint.Create("web", "10.0.0.1", null, 0));
        var b = Make(Trace, 5, duration: 3, localEndpoint: Endpoint.Create(null, "10.0.0.1", null, 8080));
        var merged = Assert.Single(TraceMerger.Merge([a, b]));
        Assert.Equal(Endpoint.Create("web", "10.0.0.1", null, 8080), merged.LocalEndpoint);
    }

    [Fact]
    public void TheLonger128BitTraceIdWinsInAMixedGroup()
    {
        var longId = Id128(0xabc, 0x1234);
        var merged = TraceMerger.Merge([Make(Trace, 1, timestamp: 1, local: "a"), Make(longId, 2, parentId: 1, timestamp: 2, local: "a")]);
        Assert.All(merged, s => Assert.Equal(longId, s.TraceId));
    }

    [Fact]
    public void ResultDoesNotDependOnInputOrder()
    {
        var spans = new[]
        {
            Make(Trace, 2, parentId: 1, kind: SpanKind.Client, name: "get", timestamp: 100, local: "frontend"),
            Make(Trace, 2, kind: SpanKind.Client, duration: 50, local: "frontend", tags: [("a", "1")]),
            Make(Trace, 2, parentId: 1, kind: SpanKind.Server, timestamp: 110, duration: 30, local: "backend", shared: true),
            Make(Trace, 1, name: "root", timestamp: 90, duration: 100, local: "frontend"),
            Make(Trace, 2, annotations: [(120, "x")]),
        };
        var expected = TraceMerger.Merge(spans);
        var reversed = TraceMerger.Merge(spans.Reverse().ToArray());
        Assert.Equal(expected, reversed);
        Assert.Equal(3, expected.Count);
    }
}
