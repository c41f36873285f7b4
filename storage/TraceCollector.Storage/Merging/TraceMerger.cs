using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>
/// Turns the spans stored for one trace into the trace a reader should see: exact duplicates (a
/// redelivered message, a retried POST) once, and fragments of one span (late annotations, a late
/// duration) as one span, while the client and server halves of a shared span stay two spans.
/// Rules follow Zipkin's Trace.merge, made independent of input order so that every backend returns
/// the same result for the same stored spans.
/// </summary>
public static class TraceMerger
{
    /// <summary>
    /// Fragments merge when they have the same span id, the same shared flag, kinds that agree (equal,
    /// or one unset) and local endpoints that do not contradict each other (no field set differently).
    /// A SERVER span that has a CLIENT with the same id is treated as shared even when its reporter
    /// forgot the flag, and a shared span without parent id inherits its client's parent, as Zipkin does.
    /// When spans of one low-64 group carry a 64-bit and a 128-bit trace id (STRICT_TRACE_ID=false) the
    /// 128-bit id wins. The result is ordered by span id, client side before server side.
    /// </summary>
    public static IReadOnlyList<Span> Merge(IReadOnlyList<Span> spans)
    {
        int n = spans.Count;
        if (n == 0) return Array.Empty<Span>();
        var sorted = new Span[n];
        for (int i = 0; i < n; i++) sorted[i] = spans[i];
        Array.Sort(sorted, FragmentOrder.Instance);

        TraceId traceId = sorted[0].TraceId;
        for (int i = 1; i < n; i++)
        {
            if (sorted[i].TraceId.CompareTo(traceId) > 0) traceId = sorted[i].TraceId;
        }

        var result = new List<Span>(n);
        var pieces = new List<SpanFragments>();
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && sorted[end].Id == sorted[start].Id) end++;
            MergeSameId(sorted.AsSpan(start, end - start), traceId, pieces, result);
            start = end;
        }
        return result;
    }

    private static void MergeSameId(ReadOnlySpan<Span> sameId, TraceId traceId, List<SpanFragments> pieces, List<Span> result)
    {
        if (sameId.Length == 1)
        {
            result.Add(sameId[0].TraceId == traceId ? sameId[0] : sameId[0] with { TraceId = traceId });
            return;
        }

        bool hasClient = false;
        foreach (var span in sameId) hasClient |= span.Kind == SpanKind.Client && !span.Shared;

        pieces.Clear();
        foreach (var span in sameId)
        {
            bool shared = span.Shared || (hasClient && span.Kind == SpanKind.Server);
            SpanFragments? target = null;
            foreach (var piece in pieces)
            {
                if (piece.Accepts(span, shared))
                {
                    target = piece;
                    break;
                }
            }
            if (target is null) pieces.Add(new SpanFragments(span, shared));
            else target.Add(span);
        }

        // A shared server span whose reporter did not propagate the parent id belongs where its client is.
        ulong clientParent = 0;
        foreach (var piece in pieces)
        {
            if (!piece.Shared && piece.ParentId != 0)
            {
                clientParent = piece.ParentId;
                break;
            }
        }
        foreach (var piece in pieces) result.Add(piece.Build(traceId, clientParent));
    }

    /// <summary>
    /// Span id, then the client side before the shared server side, then endpoint-less fragments first
    /// so their data joins the first span they fit; the remaining keys only make the order total.
    /// </summary>
    private sealed class FragmentOrder : IComparer<Span>
    {
        public static readonly FragmentOrder Instance = new();

        public int Compare(Span? x, Span? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            int c = x.Id.CompareTo(y.Id);
            if (c != 0) return c;
            c = x.Shared.CompareTo(y.Shared);
            if (c != 0) return c;
            c = KindRank(x.Kind).CompareTo(KindRank(y.Kind));
            if (c != 0) return c;
            c = CompareEndpoints(x.LocalEndpoint, y.LocalEndpoint);
            if (c != 0) return c;
            c = CompareTimestamps(x.Timestamp, y.Timestamp);
            if (c != 0) return c;
            c = y.Duration.CompareTo(x.Duration);
            if (c != 0) return c;
            c = CompareNullsLast(x.Name, y.Name);
            if (c != 0) return c;
            c = x.ParentId.CompareTo(y.ParentId);
            if (c != 0) return c;
            c = x.Annotations.Length.CompareTo(y.Annotations.Length);
            return c != 0 ? c : x.Tags.Length.CompareTo(y.Tags.Length);
        }

        private static int KindRank(SpanKind kind) => kind switch
        {
            SpanKind.Client => 0,
            SpanKind.Unspecified => 1,
            _ => 2 + (int)kind,
        };

        private static int CompareEndpoints(Endpoint? x, Endpoint? y)
        {
            if (x is null) return y is null ? 0 : -1;
            if (y is null) return 1;
            int c = CompareNullsLast(x.ServiceName, y.ServiceName);
            if (c != 0) return c;
            c = CompareNullsLast(x.Ipv4, y.Ipv4);
            if (c != 0) return c;
            c = CompareNullsLast(x.Ipv6, y.Ipv6);
            return c != 0 ? c : x.Port.CompareTo(y.Port);
        }

        // Absent (0) last, so the earliest recorded timestamp is the one a merge keeps.
        private static int CompareTimestamps(long x, long y)
        {
            if (x == y) return 0;
            if (x == 0) return 1;
            if (y == 0) return -1;
            return x.CompareTo(y);
        }

        private static int CompareNullsLast(string? x, string? y)
        {
            if (x is null) return y is null ? 0 : 1;
            if (y is null) return -1;
            return string.CompareOrdinal(x, y);
        }
    }
}
