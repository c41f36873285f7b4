using System.Runtime.InteropServices;
using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Analysis.Skew;

/// <summary>
/// Server-side clock-skew correction, as Lens's clock-skew.js does it in the browser: walk from the
/// root; where a caller → callee pair shows skew (<see cref="ClockSkew.Detect"/>), shift every span
/// on the callee's host (by IP) in that subtree by the skew, until a deeper pair shows its own.
/// Returns a tree over corrected copies; the spans given stay as stored.
/// </summary>
/// <remarks>
/// Lens skips the whole correction when the root span is missing or a second parentless span exists.
/// Here each pair is corrected regardless: the skew of one pair is a fact of that pair alone, and
/// leaving it would give negative network times and critical paths outside their parents.
/// </remarks>
public static class ClockSkewCorrector
{
    public static SpanTree Correct(SpanTree tree)
    {
        Span?[]? corrected = null;
        var fromParent = new ClockSkew?[tree.Count];
        foreach (int node in tree.TopDown)
        {
            var span = tree.SpanAt(node);
            if (span is null) continue;
            int parentNode = tree.ParentOf(node);
            ClockSkew? inherited = parentNode >= 0 ? fromParent[parentNode] : null;
            if (inherited is { } skewOfParent) span = Shift(span, skewOfParent);

            ClockSkew? own = null;
            // The parent was visited first, so this is its corrected copy.
            var parentSpan = parentNode < 0 ? null : corrected is null ? tree.SpanAt(parentNode) : corrected[parentNode];
            if (parentSpan is not null && ClockSkew.Detect(parentSpan, span, requireDistinctHosts: true) is { } skew)
            {
                own = new ClockSkew(span.LocalEndpoint!, skew);
                span = Shift(span, own.Value);
            }
            fromParent[node] = own ?? inherited;

            if (!ReferenceEquals(span, tree.SpanAt(node)))
            {
                corrected ??= tree.CopySpans();
                corrected[node] = span;
            }
        }
        return corrected is null ? tree : tree.WithSpans(corrected);
    }

    private static Span Shift(Span span, ClockSkew skew)
    {
        if (skew.Skew == 0 || !ClockSkew.IpsMatch(skew.Host, span.LocalEndpoint)) return span;
        var annotations = span.Annotations;
        if (!annotations.IsEmpty)
        {
            var shifted = new Annotation[annotations.Length];
            for (int i = 0; i < shifted.Length; i++) shifted[i] = annotations[i] with { Timestamp = annotations[i].Timestamp - skew.Skew };
            annotations = ImmutableCollectionsMarshal.AsImmutableArray(shifted);
        }
        return span with
        {
            Timestamp = span.Timestamp == 0 ? 0 : span.Timestamp - skew.Skew,
            Annotations = annotations,
        };
    }
}
