using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>
/// The spans of one export request, and those that could not be accepted (an invalid id), which
/// the response reports as OTLP's partial success instead of failing the whole request.
/// </summary>
public sealed class OtlpBatch
{
    internal OtlpBatch(List<Span> spans, int rejected, string? rejectionReason)
    {
        Spans = spans;
        Rejected = rejected;
        RejectionReason = rejectionReason;
    }

    public IReadOnlyList<Span> Spans { get; }

    public int Rejected { get; }

    /// <summary>Why the first rejected span was rejected; null when none was.</summary>
    public string? RejectionReason { get; }
}
