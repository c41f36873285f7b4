using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Tests.Analysis;

public class SpanTreeBuilderTests
{
    private static ulong IdOf(SpanTree tree, int node) => tree.SpanAt(node)?.Id ?? 0;

    private static ulong ParentIdOf(SpanTree tree, ulong id, SpanKind kind = SpanKind.Unspecified)
    {
        for (int v = 0; v < tree.Count; v++)
        {
            var s = tree.SpanAt(v);
            if (s is not null && s.Id == id && (kind == SpanKind.Unspecified || s.Kind == kind)) return IdOf(tree, tree.ParentOf(v));
        }
        throw new InvalidOperationException($"span {id:x} not in tree");
    }

    [Fact]
    public void SharedServerHangsUnderItsClient_AndLocalSpansUnderTheServer()
    {
        var t = new TraceFixture()
            .Add(1, 0, "front", 0, 100, SpanKind.Server, "10.0.0.1")
            .Add(2, 1, "front", 10, 80, SpanKind.Client, "10.0.0.1")
            .Add(2, 1, "back", 20, 60, SpanKind.Server, "10.0.0.2", shared: true)
            .Add(3, 2, "back", 30, 10, ip: "10.0.0.2");
        var tree = SpanTreeBuilder.Build(t.Spans);

        Assert.False(tree.HasSyntheticRoot);
        Assert.Equal(1ul, tree.Root!.Id);
        Assert.Equal(1ul, ParentIdOf(tree, 2, SpanKind.Client));
        int server = FindNode(tree, 2, SpanKind.Server);
        Assert.Equal(SpanKind.Client, tree.SpanAt(tree.ParentOf(server))!.Kind);
        int local = FindNode(tree, 3, SpanKind.Unspecified);
        Assert.Equal(server, tree.ParentOf(local));
    }

    [Fact]
    public void ServerWithTheClientsIdIsSharedEvenWithoutTheFlag()
    {
        var t = new TraceFixture()
            .Add(2, 0, "front", 10, 80, SpanKind.Client, "10.0.0.1")
            .Add(2, 0, "back", 20, 60, SpanKind.Server, "10.0.0.2");
        var tree = SpanTreeBuilder.Build(t.Spans);
        Assert.Equal(SpanKind.Client, tree.Root!.Kind);
        Assert.Equal(2, tree.Count);
        Assert.Equal(0, tree.ParentOf(FindNode(tree, 2, SpanKind.Server)));
    }

    [Fact]
    public void OrphansAndSecondRootsHangUnderTheFirstRoot()
    {
        var t = new TraceFixture()
            .Add(1, 0, "a", 0, 100)
            .Add(5, 0, "b", 50, 10)   // a second root
            .Add(7, 99, "c", 20, 10); // parent 99 was never reported
        var tree = SpanTreeBuilder.Build(t.Spans);
        Assert.Equal(1ul, tree.Root!.Id);
        Assert.Equal(1ul, ParentIdOf(tree, 5));
        Assert.Equal(1ul, ParentIdOf(tree, 7));
    }

    [Fact]
    public void WithoutARootASyntheticOneHoldsTheHeadlessSpans()
    {
        var t = new TraceFixture()
            .Add(7, 99, "c", 20, 10)
            .Add(8, 98, "d", 40, 10)
            .Add(9, 8, "d", 42, 5);
        var tree = SpanTreeBuilder.Build(t.Spans);
        Assert.True(tree.HasSyntheticRoot);
        Assert.Equal(4, tree.Count);
        Assert.Equal(new ulong[] { 7, 8 }, ChildIds(tree, 0));
        Assert.Equal(8ul, ParentIdOf(tree, 9));
    }

    [Fact]
    public void ParentIdCyclesAreCutAtTheRootRatherThanLost()
    {
        var t = new TraceFixture()
            .Add(1, 0, "a", 0, 100)
            .Add(2, 3, "b", 10, 10)
            .Add(3, 2, "b", 20, 10);
        var tree = SpanTreeBuilder.Build(t.Spans);
        Assert.Equal(3, tree.Count);
        Assert.Equal(3, tree.TopDown.Length);
        var reached = new HashSet<int>(tree.TopDown.ToArray());
        Assert.Equal(3, reached.Count);
    }

    [Fact]
    public void ChildrenAreInTimestampOrder_AndTopDownVisitsParentsFirst()
    {
        var t = new TraceFixture()
            .Add(1, 0, "a", 0, 100)
            .Add(4, 1, "a", 60, 10)
            .Add(3, 1, "a", 20, 10)
            .Add(2, 1, "a", 40, 10)
            .Add(5, 3, "a", 25, 1);
        var tree = SpanTreeBuilder.Build(t.Spans);
        Assert.Equal(new ulong[] { 3, 2, 4 }, ChildIds(tree, 0));
        var seen = new HashSet<int>();
        foreach (int v in tree.TopDown)
        {
            if (v != 0) Assert.Contains(tree.ParentOf(v), seen);
            seen.Add(v);
        }
    }

    [Fact]
    public void EmptyTraceIsASyntheticRootAlone()
    {
        var tree = SpanTreeBuilder.Build(Array.Empty<Span>());
        Assert.True(tree.HasSyntheticRoot);
        Assert.Equal(1, tree.Count);
    }

    private static ulong[] ChildIds(SpanTree tree, int node)
    {
        var children = tree.ChildrenOf(node);
        var ids = new ulong[children.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = IdOf(tree, children[i]);
        return ids;
    }

    internal static int FindNode(SpanTree tree, ulong id, SpanKind kind)
    {
        for (int v = 0; v < tree.Count; v++)
        {
            var s = tree.SpanAt(v);
            if (s is not null && s.Id == id && s.Kind == kind) return v;
        }
        throw new InvalidOperationException($"span {id:x} {kind} not in tree");
    }
}
