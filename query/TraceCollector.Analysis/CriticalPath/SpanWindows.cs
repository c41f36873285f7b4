using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Analysis.CriticalPath;

/// <summary>
/// The time window of each node as the critical path sees it (Jaeger's sanitize step): a span
/// without a duration (unfinished) ends when its last child ends, or is a point; a node without a
/// timestamp (the synthetic root among them) spans its children. Each child is then clipped to its
/// parent's window, and one that falls wholly outside it is off the path with its subtree, as is a
/// CONSUMER under a span: a message is handled after it is sent, nobody waits for it.
/// </summary>
internal sealed class SpanWindows
{
    public readonly long[] Start;
    public readonly long[] End;
    public readonly bool[] OnPath;

    private SpanWindows(int count)
    {
        Start = new long[count];
        End = new long[count];
        OnPath = new bool[count];
    }

    public static SpanWindows Compute(SpanTree tree)
    {
        int count = tree.Count;
        var w = new SpanWindows(count);
        var timed = new bool[count];
        var top = tree.TopDown;
        var spans = tree.Spans;

        for (int k = count - 1; k >= 0; k--)
        {
            int v = top[k];
            long childMin = long.MaxValue, childMax = long.MinValue;
            foreach (int c in tree.ChildrenOf(v))
            {
                if (!timed[c] || !Blocks(spans, v, c)) continue;
                if (w.Start[c] < childMin) childMin = w.Start[c];
                if (w.End[c] > childMax) childMax = w.End[c];
            }
            var span = spans[v];
            if (span is not null && span.Timestamp != 0)
            {
                w.Start[v] = span.Timestamp;
                w.End[v] = span.Duration != 0 ? span.Timestamp + span.Duration : Math.Max(span.Timestamp, childMax);
                timed[v] = true;
            }
            else if (childMin != long.MaxValue)
            {
                w.Start[v] = childMin;
                w.End[v] = childMax;
                timed[v] = true;
            }
        }

        w.OnPath[0] = timed[0];
        for (int k = 1; k < count; k++)
        {
            int v = top[k];
            int p = tree.ParentOf(v);
            if (!w.OnPath[p] || !timed[v] || !Blocks(spans, p, v)) continue;
            long s = Math.Max(w.Start[v], w.Start[p]);
            long e = Math.Min(w.End[v], w.End[p]);
            if (s > e) continue;
            w.Start[v] = s;
            w.End[v] = e;
            w.OnPath[v] = true;
        }
        return w;
    }

    private static bool Blocks(ReadOnlySpan<Span?> spans, int parent, int child) =>
        spans[parent] is null || spans[child]!.Kind != SpanKind.Consumer;
}
