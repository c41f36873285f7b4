using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>
/// Derives service dependency links from whole traces with Zipkin's DependencyLinker rules, so
/// /api/v2/dependencies gives the numbers Zipkin would for the same spans.
/// </summary>
public static class DependencyLinker
{
    /// <summary>
    /// Links of all the traces (each list the spans of one trace, in any order, duplicates allowed),
    /// sorted by parent then child.
    /// </summary>
    public static IReadOnlyList<DependencyLink> Link(IEnumerable<IReadOnlyList<Span>> traces)
    {
        var counts = new LinkCounts();
        Action<string, string, long, long> add = counts.Add;
        foreach (var trace in traces)
        {
            if (trace.Count > 0) AddTrace(SpanTree.Build(trace), add);
        }
        return counts.ToLinks();
    }

    /// <summary>
    /// Calls <paramref name="add"/>(parent, child, calls, errors) for each call in one trace (its
    /// spans in any order, duplicates allowed), unsorted and unsummed: for a writer that keeps its own
    /// sums and would otherwise pay for a sorted list per trace.
    /// </summary>
    public static void AddLinks(IReadOnlyList<Span> trace, Action<string, string, long, long> add)
    {
        if (trace.Count > 0) AddTrace(SpanTree.Build(trace), add);
    }

    /// <summary>Sums links by (parent, child), e.g. the links of several days or partitions.</summary>
    public static IReadOnlyList<DependencyLink> MergeLinks(IEnumerable<DependencyLink> links)
    {
        var counts = new LinkCounts();
        foreach (var link in links) counts.Add(link.Parent, link.Child, link.CallCount, link.ErrorCount);
        return counts.ToLinks();
    }

    private static void AddTrace(SpanTree tree, Action<string, string, long, long> add)
    {
        foreach (var node in tree.BreadthFirst())
        {
            var span = node.Span!;
            var kind = span.Kind;
            // A client span with children is named by its server side, which links from the client.
            if (kind == SpanKind.Client && node.Children.Count > 0) continue;

            string? service = span.LocalServiceName, remote = span.RemoteServiceName;
            if (kind == SpanKind.Unspecified)
            {
                if (service is null || remote is null) continue;
                kind = SpanKind.Client;
            }

            string? parent, child;
            switch (kind)
            {
                case SpanKind.Server:
                case SpanKind.Consumer:
                    child = service;
                    parent = remote;
                    if (ReferenceEquals(node, tree) && parent is null) continue;
                    break;
                case SpanKind.Client:
                case SpanKind.Producer:
                    parent = service;
                    child = remote;
                    break;
                default:
                    continue;
            }

            bool isError = IsError(span);
            if (kind is SpanKind.Producer or SpanKind.Consumer)
            {
                // Messaging spans link to their broker only; the broker's own name is the other side.
                if (parent is not null && child is not null) add(parent, child, 1, isError ? 1 : 0);
                continue;
            }

            var ancestor = FirstRemoteAncestor(node);
            if (ancestor?.LocalServiceName is { } ancestorService)
            {
                // A client whose service differs from the nearest remote ancestor's means the hop into
                // this service was not reported; Zipkin back-fills it, not knowing whether it failed.
                if (kind == SpanKind.Client && service is not null && ancestorService != service)
                {
                    add(ancestorService, service, 1, 0);
                }
                if (kind == SpanKind.Server || parent is null) parent = ancestorService;
                if (!isError && ancestor.Kind == SpanKind.Client && span.ParentId != 0 && span.ParentId == ancestor.Id)
                {
                    isError = IsError(ancestor);
                }
            }

            if (parent is null || child is null) continue;
            add(parent, child, 1, isError ? 1 : 0);
        }
    }

    // Only the "error" tag marks a failed call; an annotation named "error" does not (as in Zipkin).
    private static bool IsError(Span span) => span.TryGetTag("error", out _);

    private static Span? FirstRemoteAncestor(SpanTree node)
    {
        for (var ancestor = node.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor.Span is { Kind: not SpanKind.Unspecified } remote) return remote;
        }
        return null;
    }

    private sealed class LinkCounts
    {
        private readonly Dictionary<(string Parent, string Child), (long Calls, long Errors)> _counts = new();

        public void Add(string parent, string child, long calls, long errors)
        {
            _counts.TryGetValue((parent, child), out var c);
            _counts[(parent, child)] = (c.Calls + calls, c.Errors + errors);
        }

        public IReadOnlyList<DependencyLink> ToLinks()
        {
            var links = new List<DependencyLink>(_counts.Count);
            foreach (var (key, value) in _counts) links.Add(new DependencyLink(key.Parent, key.Child, value.Calls, value.Errors));
            links.Sort(static (a, b) =>
            {
                int c = string.CompareOrdinal(a.Parent, b.Parent);
                return c != 0 ? c : string.CompareOrdinal(a.Child, b.Child);
            });
            return links;
        }
    }
}
