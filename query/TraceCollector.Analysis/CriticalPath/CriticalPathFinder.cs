using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Analysis.CriticalPath;

/// <summary>
/// The critical path of a trace, by the algorithm behind Jaeger's critical path: start at the end of
/// the root; in each span, walk back from the current time through the last-finishing child that
/// ended by then, descend into it from its end, and on leaving it from its start continue in the
/// parent. Time in a span not covered by such a child is that span's own time on the path.
/// </summary>
/// <remarks>
/// Iterative (a 10,000-deep trace must not exhaust the stack) and O(n log n): each node's children
/// are sorted once by end, latest first, and a cursor per node only moves forward, because the time
/// at which the walk re-enters a node only decreases. Unlike Jaeger a child that ends exactly when
/// the walk reaches it counts (sequential children hand over without a gap); the cursor is what
/// keeps zero-length children from being visited twice.
/// </remarks>
public static class CriticalPathFinder
{
    /// <param name="tree">Normally the skew-corrected tree (<see cref="TraceAnalysis"/>).</param>
    public static CriticalPathResult Find(SpanTree tree)
    {
        var windows = SpanWindows.Compute(tree);
        if (!windows.OnPath[0]) return CriticalPathResult.Empty;

        int count = tree.Count;
        var (childStart, children) = SortedPathChildren(tree, windows);
        var cursor = new int[count];
        Array.Copy(childStart, cursor, count);
        var selfTime = new long[count];
        var reversed = new List<CriticalPathSegment>();
        var spans = tree.Spans;
        long[] start = windows.Start, end = windows.End;

        int node = 0;
        long t = end[0];
        while (true)
        {
            int next = -1;
            int stop = childStart[node + 1];
            while (cursor[node] < stop)
            {
                int c = children[cursor[node]++];
                if (end[c] <= t)
                {
                    next = c;
                    break;
                }
            }
            if (next >= 0)
            {
                Emit(reversed, selfTime, spans, node, end[next], t);
                node = next;
                t = end[next];
                continue;
            }
            Emit(reversed, selfTime, spans, node, start[node], t);
            if (node == 0) break;
            t = start[node];
            node = tree.ParentOf(node);
        }

        reversed.Reverse();
        return new CriticalPathResult(start[0], end[0], reversed, SelfTimes(spans, selfTime));
    }

    private static void Emit(List<CriticalPathSegment> reversed, long[] selfTime, ReadOnlySpan<Span?> spans, int node, long from, long to)
    {
        if (to <= from) return;
        selfTime[node] += to - from;
        int last = reversed.Count - 1;
        var span = spans[node];
        ulong id = span?.Id ?? 0;
        // A zero-length child between two stretches of its parent leaves them adjacent: keep one segment.
        if (last >= 0 && reversed[last].Start == to && reversed[last].SpanId == id && reversed[last].ServiceName == span?.LocalServiceName && reversed[last].Kind == (span?.Kind ?? SpanKind.Unspecified))
        {
            reversed[last] = reversed[last] with { Start = from };
            return;
        }
        reversed.Add(new CriticalPathSegment(id, span?.Kind ?? SpanKind.Unspecified, span?.LocalServiceName, span?.Name, from, to));
    }

    // Each node's children on the path, sorted by end descending, then by start ascending (of two that
    // end together the longer one covers more of the parent, so it is the one the path goes through).
    private static (int[] Start, int[] Children) SortedPathChildren(SpanTree tree, SpanWindows windows)
    {
        int count = tree.Count;
        var childStart = new int[count + 1];
        var children = new int[Math.Max(0, count - 1)];
        int w = 0;
        for (int v = 0; v < count; v++)
        {
            childStart[v] = w;
            if (!windows.OnPath[v]) continue;
            foreach (int c in tree.ChildrenOf(v)) if (windows.OnPath[c]) children[w++] = c;
            children.AsSpan(childStart[v], w - childStart[v]).Sort(new LatestEndFirst(windows.Start, windows.End));
        }
        childStart[count] = w;
        return (childStart, children);
    }

    private static IReadOnlyList<CriticalPathSelfTime> SelfTimes(ReadOnlySpan<Span?> spans, long[] selfTime)
    {
        var result = new List<CriticalPathSelfTime>();
        for (int v = 0; v < selfTime.Length; v++)
        {
            if (selfTime[v] == 0) continue;
            var span = spans[v];
            result.Add(new CriticalPathSelfTime(span?.Id ?? 0, span?.Kind ?? SpanKind.Unspecified, span?.LocalServiceName, span?.Name, selfTime[v]));
        }
        result.Sort(static (a, b) => b.SelfTime != a.SelfTime ? b.SelfTime.CompareTo(a.SelfTime) : a.SpanId.CompareTo(b.SpanId));
        return result;
    }

    private readonly struct LatestEndFirst(long[] start, long[] end) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            int c = end[b].CompareTo(end[a]);
            if (c != 0) return c;
            c = start[a].CompareTo(start[b]);
            return c != 0 ? c : a.CompareTo(b);
        }
    }
}
