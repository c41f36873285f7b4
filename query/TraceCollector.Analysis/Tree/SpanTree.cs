using TraceCollector.Model;

namespace TraceCollector.Analysis.Tree;

/// <summary>
/// A trace as a tree of nodes, shaped as Zipkin's SpanNode shapes it. Node 0 is the root: the trace's
/// root span, or a synthetic node without a span when the trace has none. Children of a node are in
/// (timestamp, id) order. The shape is stored as flat arrays (children in one array, sliced per node)
/// so a 10,000-span trace costs a handful of allocations rather than one object per span.
/// </summary>
public sealed class SpanTree
{
    private readonly Span?[] _spans;
    private readonly int[] _parent;
    private readonly int[] _childStart;
    private readonly int[] _children;
    private readonly int[] _topDown;

    internal SpanTree(Span?[] spans, int[] parent, int[] childStart, int[] children, int[] topDown)
    {
        _spans = spans;
        _parent = parent;
        _childStart = childStart;
        _children = children;
        _topDown = topDown;
    }

    /// <summary>Number of nodes, the synthetic root included.</summary>
    public int Count => _spans.Length;

    /// <summary>True when no span qualified as the root, so node 0 stands in for the missing one.</summary>
    public bool HasSyntheticRoot => _spans[0] is null;

    /// <summary>The root's span, or null for a synthetic root.</summary>
    public Span? Root => _spans[0];

    /// <summary>The span of a node; null only for a synthetic root.</summary>
    public Span? SpanAt(int node) => _spans[node];

    /// <summary>The parent node, or -1 for the root.</summary>
    public int ParentOf(int node) => _parent[node];

    public ReadOnlySpan<int> ChildrenOf(int node) => _children.AsSpan(_childStart[node], _childStart[node + 1] - _childStart[node]);

    /// <summary>Every node, each after its parent (breadth-first from the root).</summary>
    public ReadOnlySpan<int> TopDown => _topDown;

    /// <summary>The spans, indexed by node (for analyses that read many).</summary>
    internal ReadOnlySpan<Span?> Spans => _spans;

    /// <summary>The same shape over other spans, e.g. the skew-corrected copies of these.</summary>
    internal SpanTree WithSpans(Span?[] spans)
    {
        if (spans.Length != _spans.Length) throw new ArgumentException("one span per node is required", nameof(spans));
        return new SpanTree(spans, _parent, _childStart, _children, _topDown);
    }

    internal Span?[] CopySpans() => (Span?[])_spans.Clone();
}
