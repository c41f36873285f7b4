using TraceCollector.Analysis.CriticalPath;
using TraceCollector.Analysis.NetworkLatency;
using TraceCollector.Analysis.Skew;
using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Analysis;

/// <summary>
/// The entry point for one trace: builds the tree, corrects clock skew on copies, and answers the
/// analyses over the corrected tree. The spans passed in are never changed.
/// </summary>
public static class TraceAnalysis
{
    /// <summary>The tree over skew-corrected copies of the spans: what every analysis reads.</summary>
    public static SpanTree CorrectedTree(IReadOnlyList<Span> spans) => ClockSkewCorrector.Correct(SpanTreeBuilder.Build(spans));

    public static CriticalPathResult CriticalPath(IReadOnlyList<Span> spans) => CriticalPathFinder.Find(CorrectedTree(spans));

    public static IReadOnlyList<NetworkLatencyPair> NetworkLatency(IReadOnlyList<Span> spans) => NetworkLatencyCalculator.Measure(CorrectedTree(spans));
}
