using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>Reads whole traces. Every trace returned has duplicates removed and fragments of one span merged.</summary>
public interface ITraceReader
{
    /// <summary>The trace's spans, or an empty list when it is unknown. With STRICT_TRACE_ID=false a 64-bit id also finds 128-bit traces with that low half.</summary>
    ValueTask<IReadOnlyList<Span>> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken = default);

    /// <summary>The traces found among the ids, in no particular order; unknown ids are left out.</summary>
    ValueTask<IReadOnlyList<IReadOnlyList<Span>>> GetTracesAsync(IReadOnlyList<TraceId> traceIds, CancellationToken cancellationToken = default);

    /// <summary>The newest <see cref="QueryRequest.Limit"/> traces matching the request, newest first.</summary>
    ValueTask<IReadOnlyList<IReadOnlyList<Span>>> FindTracesAsync(QueryRequest request, CancellationToken cancellationToken = default);
}
