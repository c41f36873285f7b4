using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>
/// A trace as a tree of merged spans, built as Zipkin's SpanNode does: a shared (server) span hangs
/// under the client with its id and is told apart from other servers answering that id by its local
/// endpoint; a span whose parent id is a shared span on its own endpoint hangs under that server side;
/// the first root found is the root, further roots and spans whose parent is missing hang off it, and a
/// trace without root gets a synthetic root (<see cref="Span"/> null).
/// </summary>
internal sealed class SpanTree
{
    private List<SpanTree>? _children;

    private SpanTree(Span? span) => Span = span;

    /// <summary>Null for the synthetic root of a headless trace.</summary>
    public Span? Span { get; }

    public SpanTree? Parent { get; private set; }

    public IReadOnlyList<SpanTree> Children => (IReadOnlyList<SpanTree>?)_children ?? Array.Empty<SpanTree>();

    /// <summary>Builds the tree of one trace's spans (merged first, so duplicates don't add leaves).</summary>
    public static SpanTree Build(IReadOnlyList<Span> spans)
    {
        var merged = TraceMerger.Merge(spans);

        // Parent links are recorded first for every span so that a child can tell whether its parent
        // id names a shared span on its own endpoint.
        var parentOf = new Dictionary<NodeKey, NodeKey?>();
        var order = new List<NodeKey>(merged.Count);
        foreach (var span in merged)
        {
            var key = span.Shared ? NodeKey.SharedOf(span.Id, span.LocalEndpoint) : NodeKey.Of(span.Id);
            NodeKey? parent = span.Shared ? NodeKey.Of(span.Id) : span.ParentId != 0 ? NodeKey.Of(span.ParentId) : null;
            if (!parentOf.ContainsKey(key)) order.Add(key);
            parentOf[key] = parent;
        }

        SpanTree? root = null;
        var nodes = new Dictionary<NodeKey, SpanTree>(merged.Count * 2);
        foreach (var span in merged)
        {
            var key = span.Shared ? NodeKey.SharedOf(span.Id, span.LocalEndpoint) : NodeKey.Of(span.Id);
            var withoutEndpoint = span.Shared ? NodeKey.SharedOf(span.Id, null) : key;
            bool hasParent = span.Shared;
            if (!span.Shared && span.ParentId != 0)
            {
                hasParent = true;
                var sharedParent = NodeKey.SharedOf(span.ParentId, span.LocalEndpoint);
                if (parentOf.ContainsKey(sharedParent)) parentOf[key] = sharedParent;
            }

            var node = new SpanTree(span);
            if (!hasParent && root is null)
            {
                root = node;
                parentOf.Remove(key);
            }
            else
            {
                nodes[key] = node;
                if (span.Shared) nodes[withoutEndpoint] = node;
            }
        }

        root ??= new SpanTree(null);
        foreach (var childKey in order)
        {
            if (!parentOf.TryGetValue(childKey, out var parentKey)) continue;
            if (!nodes.TryGetValue(childKey, out var child)) continue;
            SpanTree? parent = null;
            if (parentKey is { } pk) nodes.TryGetValue(pk, out parent);
            if (parent is null || ReferenceEquals(parent, child)) root.AddChild(child);
            else parent.AddChild(child);
        }
        return root;
    }

    /// <summary>Breadth-first, starting at the root, or at the root-most spans when the root is synthetic.</summary>
    public IEnumerable<SpanTree> BreadthFirst()
    {
        var queue = new Queue<SpanTree>();
        if (Span is null)
        {
            foreach (var child in Children) queue.Enqueue(child);
        }
        else queue.Enqueue(this);
        while (queue.TryDequeue(out var next))
        {
            yield return next;
            foreach (var child in next.Children) queue.Enqueue(child);
        }
    }

    private void AddChild(SpanTree child)
    {
        (_children ??= new List<SpanTree>()).Add(child);
        child.Parent = this;
    }

    private readonly record struct NodeKey(ulong Id, bool Shared, Endpoint? Endpoint)
    {
        public static NodeKey Of(ulong id) => new(id, false, null);

        public static NodeKey SharedOf(ulong id, Endpoint? endpoint) => new(id, true, endpoint);
    }
}
