using TraceCollector.Model;

namespace TraceCollector.Storage.InMemory;

/// <summary>
/// The spans stored under one low-64 trace id (one trace, or a 64-bit and a 128-bit trace sharing
/// that low half), each with the clock tick it was accepted at (for retention). Keyed by the span
/// itself, so an exact duplicate is stored once.
/// </summary>
internal sealed class TraceGroup
{
    public Dictionary<Span, long> AcceptedAt { get; } = new();

    /// <summary>Earliest span timestamp (epoch µs), or 0 when no span has one; the oldest group is evicted first.</summary>
    public long EvictionTimestamp { get; set; }

    public long RecomputeEvictionTimestamp()
    {
        long earliest = 0;
        foreach (var span in AcceptedAt.Keys)
        {
            if (span.Timestamp != 0 && (earliest == 0 || span.Timestamp < earliest)) earliest = span.Timestamp;
        }
        return earliest;
    }

    /// <summary>The stored spans, filtered to one exact trace id when <paramref name="exactId"/> is set.</summary>
    public List<Span> Spans(TraceId? exactId)
    {
        var result = new List<Span>(AcceptedAt.Count);
        foreach (var span in AcceptedAt.Keys)
        {
            if (exactId is not { } id || span.TraceId == id) result.Add(span);
        }
        return result;
    }

    /// <summary>Whether any span's timestamp lies in [startMicros, endMicros].</summary>
    public bool HasSpanIn(long startMicros, long endMicros)
    {
        foreach (var span in AcceptedAt.Keys)
        {
            if (span.Timestamp != 0 && span.Timestamp >= startMicros && span.Timestamp <= endMicros) return true;
        }
        return false;
    }
}
