using TraceCollector.Model;

namespace TraceCollector.Storage;

public sealed partial record QueryRequest
{
    /// <summary>
    /// Whether the trace (its stored spans, in any order) answers this request, as Zipkin's
    /// QueryRequest.test decides: the trace's timestamp (<see cref="TimestampOf"/>) lies in the window,
    /// and among the spans of the queried service (all spans when no service is given) some span has
    /// the span name, some span the remote service, each annotationQuery term is met by some span, and
    /// one single span has a duration within the bounds. Different conditions may be met by different spans.
    /// </summary>
    public bool Matches(IReadOnlyList<Span> trace)
    {
        long timestamp = TimestampOf(trace);
        if (timestamp == 0 || timestamp < StartMicros || timestamp > EndMicros) return false;

        bool serviceFound = ServiceName is null;
        bool remoteFound = RemoteServiceName is null;
        bool nameFound = SpanName is null;
        bool durationFound = MinDuration is null && MaxDuration is null;
        long minDuration = MinDuration ?? 1, maxDuration = MaxDuration ?? long.MaxValue;
        int termsLeft = AnnotationQuery.Count;
        HashSet<string>? termsMet = termsLeft > 0 ? new HashSet<string>(StringComparer.Ordinal) : null;

        for (int i = 0; i < trace.Count; i++)
        {
            var span = trace[i];
            if (ServiceName is not null && span.LocalServiceName != ServiceName) continue;
            serviceFound = true;
            if (!remoteFound) remoteFound = span.RemoteServiceName == RemoteServiceName;
            if (!nameFound) nameFound = span.Name == SpanName;
            if (!durationFound) durationFound = span.Duration >= minDuration && span.Duration <= maxDuration;
            if (termsLeft == 0) continue;
            foreach (var annotation in span.Annotations)
            {
                if (AnnotationQuery.TryGetValue(annotation.Value, out var wanted) && wanted.Length == 0
                    && termsMet!.Add(annotation.Value)) termsLeft--;
            }
            foreach (var tag in span.Tags)
            {
                if (AnnotationQuery.TryGetValue(tag.Key, out var wanted) && (wanted.Length == 0 || wanted == tag.Value)
                    && termsMet!.Add(tag.Key)) termsLeft--;
            }
        }
        return serviceFound && remoteFound && nameFound && durationFound && termsLeft == 0;
    }

    /// <summary>
    /// The timestamp a search window is applied to, epoch microseconds: the root span's (no parent,
    /// with a timestamp; the earliest root when there are several), else the earliest span timestamp,
    /// else 0 (such a trace never matches a search).
    /// </summary>
    public static long TimestampOf(IReadOnlyList<Span> trace)
    {
        long root = 0, earliest = 0;
        for (int i = 0; i < trace.Count; i++)
        {
            long ts = trace[i].Timestamp;
            if (ts == 0) continue;
            if (earliest == 0 || ts < earliest) earliest = ts;
            if (trace[i].ParentId == 0 && (root == 0 || ts < root)) root = ts;
        }
        return root != 0 ? root : earliest;
    }
}
