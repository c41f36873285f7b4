using TraceCollector.Model;

namespace TraceCollector.Analysis.Tree;

/// <summary>
/// Builds a <see cref="SpanTree"/> by parent id, with the rules of Zipkin's SpanNode (and Lens's
/// span-node.js): a shared SERVER span hangs under the CLIENT span with its id; a span whose parent
/// is a shared server on its own endpoint hangs under that server; the first span without a parent
/// is the root and every other parentless or orphaned span hangs under it; without such a span a
/// synthetic root takes its place. Beyond SpanNode, parent-id cycles are cut at the root rather than
/// losing the spans, and a duplicate span id (unmerged fragments) hangs under its first occurrence.
/// </summary>
public static class SpanTreeBuilder
{
    private const int Unresolved = -2;
    private const int NoParent = -1;

    public static SpanTree Build(IReadOnlyList<Span> spans)
    {
        int n = spans.Count;
        var sorted = new Span[n];
        for (int i = 0; i < n; i++) sorted[i] = spans[i];
        // Zipkin sorts root-first by timestamp; sorting also makes every later choice deterministic.
        Array.Sort(sorted, CompareForTree);

        var clientIds = new HashSet<ulong>();
        foreach (var s in sorted) if (s.Kind == SpanKind.Client) clientIds.Add(s.Id);

        var byId = new Dictionary<ulong, int>(n);
        var sharedByEndpoint = new Dictionary<(ulong Id, Endpoint? Local), int>();
        var sharedById = new Dictionary<ulong, int>();
        var isShared = new bool[n];
        for (int i = 0; i < n; i++)
        {
            var s = sorted[i];
            // Lens back-fills 'shared' on a SERVER that follows a CLIENT with the same id.
            isShared[i] = s.Shared || (s.Kind == SpanKind.Server && clientIds.Contains(s.Id));
            if (isShared[i])
            {
                sharedByEndpoint.TryAdd((s.Id, s.LocalEndpoint), i);
                sharedById.TryAdd(s.Id, i);
            }
            else
            {
                byId.TryAdd(s.Id, i);
            }
        }

        var parentPos = new int[n];
        int rootPos = -1;
        for (int i = 0; i < n; i++)
        {
            parentPos[i] = ResolveParent(sorted, i, isShared[i], byId, sharedByEndpoint, sharedById);
            if (parentPos[i] == NoParent && rootPos < 0) rootPos = i;
        }

        // Node numbering: the root (real or synthetic) is node 0, the rest follow in sorted order.
        bool synthetic = rootPos < 0;
        int count = synthetic ? n + 1 : n;
        var nodeSpans = new Span?[count];
        var posToNode = new int[n];
        int next = 1;
        for (int i = 0; i < n; i++)
        {
            int node = i == rootPos ? 0 : next++;
            posToNode[i] = node;
            nodeSpans[node] = sorted[i];
        }

        var parent = new int[count];
        parent[0] = -1;
        for (int i = 0; i < n; i++)
        {
            int node = posToNode[i];
            if (node == 0) continue;
            int p = parentPos[i];
            parent[node] = p >= 0 ? posToNode[p] : 0;
        }
        CutCycles(parent);
        return Assemble(nodeSpans, parent);
    }

    private static int ResolveParent(Span[] sorted, int i, bool shared,
        Dictionary<ulong, int> byId, Dictionary<(ulong, Endpoint?), int> sharedByEndpoint, Dictionary<ulong, int> sharedById)
    {
        var s = sorted[i];
        if (shared)
        {
            if (byId.TryGetValue(s.Id, out int client)) return client;
            // The client is missing: the shared server carries the client's parent, so follow that.
        }
        else if (byId.TryGetValue(s.Id, out int first) && first != i)
        {
            return first;
        }

        if (s.ParentId == 0) return NoParent;
        // Most specific first: a local span under the shared server of its own endpoint.
        if (sharedByEndpoint.TryGetValue((s.ParentId, s.LocalEndpoint), out int server) && server != i) return server;
        if (byId.TryGetValue(s.ParentId, out int p) && p != i) return p;
        if (sharedById.TryGetValue(s.ParentId, out int anyServer) && anyServer != i) return anyServer;
        return Unresolved;
    }

    private static int CompareForTree(Span a, Span b)
    {
        // Spans without a timestamp sort last; they cannot be the earliest root.
        long ta = a.Timestamp == 0 ? long.MaxValue : a.Timestamp;
        long tb = b.Timestamp == 0 ? long.MaxValue : b.Timestamp;
        int c = ta.CompareTo(tb);
        if (c != 0) return c;
        c = (a.ParentId == 0 ? 0 : 1).CompareTo(b.ParentId == 0 ? 0 : 1);
        if (c != 0) return c;
        c = a.Id.CompareTo(b.Id);
        if (c != 0) return c;
        // CLIENT before SERVER for a shared id, so the client is found first.
        c = ((int)a.Kind).CompareTo((int)b.Kind);
        if (c != 0) return c;
        return string.CompareOrdinal(a.LocalServiceName, b.LocalServiceName);
    }

    // Parent ids can loop (A under B under A); such spans never reach the root, so hang the loop there.
    private static void CutCycles(int[] parent)
    {
        int count = parent.Length;
        var state = new byte[count]; // 0 unknown, 1 on the current walk, 2 reaches the root
        state[0] = 2;
        var path = new Stack<int>();
        for (int start = 1; start < count; start++)
        {
            int j = start;
            while (state[j] == 0)
            {
                state[j] = 1;
                path.Push(j);
                j = parent[j];
            }
            if (state[j] == 1) parent[j] = 0;
            while (path.Count > 0) state[path.Pop()] = 2;
        }
    }

    private static SpanTree Assemble(Span?[] nodeSpans, int[] parent)
    {
        int count = nodeSpans.Length;
        var childStart = new int[count + 1];
        for (int v = 1; v < count; v++) childStart[parent[v] + 1]++;
        for (int v = 0; v < count; v++) childStart[v + 1] += childStart[v];
        var fill = new int[count];
        Array.Copy(childStart, fill, count);
        var children = new int[Math.Max(0, count - 1)];
        // Nodes are numbered in (timestamp, id) order, so each child range comes out in that order.
        for (int v = 1; v < count; v++) children[fill[parent[v]]++] = v;

        var topDown = new int[count];
        int head = 0, tail = 0;
        topDown[tail++] = 0;
        while (head < tail)
        {
            int v = topDown[head++];
            for (int k = childStart[v]; k < childStart[v + 1]; k++) topDown[tail++] = children[k];
        }
        return new SpanTree(nodeSpans, parent, childStart, children, topDown);
    }
}
