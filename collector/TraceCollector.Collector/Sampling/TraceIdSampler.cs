using TraceCollector.Model;

namespace TraceCollector.Collector.Sampling;

/// <summary>
/// Zipkin's collector sampling (COLLECTOR_SAMPLE_RATE): a trace is kept when the absolute value of
/// the low 64 bits of its id, read as a signed long, is at most rate × long.MaxValue. The decision
/// depends on the trace id alone, so every collector keeps or drops the same whole traces; spans
/// marked debug are always kept.
/// </summary>
public sealed class TraceIdSampler
{
    private readonly long _boundary;

    public TraceIdSampler(double rate)
    {
        if (rate is < 0 or > 1 || double.IsNaN(rate)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "a sample rate is between 0.0 and 1.0");
        Rate = rate;
        // A double cannot hold long.MaxValue exactly; rate 1.0 must keep every id.
        _boundary = rate >= 1.0 ? long.MaxValue : (long)(long.MaxValue * rate);
    }

    public double Rate { get; }

    public bool KeepsEverything => _boundary == long.MaxValue;

    public bool IsKept(TraceId traceId, bool debug)
    {
        if (debug) return true;
        long t = unchecked((long)traceId.Low);
        // Math.Abs(long.MinValue) overflows; Zipkin treats it as long.MaxValue.
        t = t == long.MinValue ? long.MaxValue : Math.Abs(t);
        return t <= _boundary;
    }

    /// <summary>The spans sampling keeps: the same list when it keeps them all, else a new one.</summary>
    public IReadOnlyList<Span> Filter(IReadOnlyList<Span> spans, out int dropped)
    {
        dropped = 0;
        if (KeepsEverything) return spans;
        int first = -1;
        for (int i = 0; i < spans.Count; i++)
        {
            if (!IsKept(spans[i].TraceId, spans[i].Debug))
            {
                first = i;
                break;
            }
        }
        if (first < 0) return spans;
        var kept = new List<Span>(spans.Count);
        for (int i = 0; i < first; i++) kept.Add(spans[i]);
        for (int i = first; i < spans.Count; i++)
        {
            var span = spans[i];
            if (IsKept(span.TraceId, span.Debug)) kept.Add(span);
            else dropped++;
        }
        return kept;
    }
}
