using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// The reverse of <see cref="V1SpanConverter"/>, restating Zipkin's V2SpanConverter: kind and timing
/// become core annotations, tags binary annotations, the remote endpoint an address. For the v1
/// encoders, which exist for tests and tools that must speak to old collectors.
/// </summary>
internal static class V2ToV1Converter
{
    public static V1Span Convert(Span span, V1Span result)
    {
        result.Clear();
        result.TraceId = span.TraceId;
        result.ParentId = span.ParentId;
        result.Id = span.Id;
        result.Name = span.Name;
        result.Debug = span.Debug;
        // v1 marks a shared span by leaving its own timestamp and duration unset.
        if (!span.Shared)
        {
            result.Timestamp = span.Timestamp;
            result.Duration = span.Duration;
        }

        var md = Metadata.Parse(span);
        Endpoint? local = span.LocalEndpoint;
        bool begin = md.StartTs != 0 && md.Begin is not null;
        bool end = md.EndTs != 0 && md.End is not null;
        int annotationCount = span.Annotations.Length;
        if (begin)
        {
            annotationCount++;
            result.Annotations.Add(new V1Annotation(md.StartTs, md.Begin!, local));
        }
        foreach (var a in span.Annotations)
        {
            if (begin && a.Value == md.Begin) continue;
            if (end && a.Value == md.End) continue;
            result.Annotations.Add(new V1Annotation(a.Timestamp, a.Value, local));
        }
        if (end)
        {
            annotationCount++;
            result.Annotations.Add(new V1Annotation(md.EndTs, md.End!, local));
        }
        foreach (var tag in span.Tags) result.BinaryAnnotations.Add(new V1BinaryAnnotation(tag.Key, tag.Value, local));

        // An in-process span would lose its endpoint without this empty "lc" marker.
        if (annotationCount == 0 && local is not null && span.Tags.Length == 0) result.BinaryAnnotations.Add(new V1BinaryAnnotation("lc", "", local));
        if (md.Address is not null && span.RemoteEndpoint is not null) result.AddAddress(md.Address, span.RemoteEndpoint);
        return result;
    }

    private struct Metadata
    {
        public long StartTs, EndTs;
        public string? Begin, End, Address;

        public static Metadata Parse(Span span)
        {
            var md = new Metadata { StartTs = span.Timestamp };
            md.EndTs = md.StartTs != 0 && span.Duration != 0 ? md.StartTs + span.Duration : 0;
            long msTs = 0, wsTs = 0, wrTs = 0, mrTs = 0;
            SpanKind kind = span.Kind;
            foreach (var a in span.Annotations)
            {
                switch (a.Value)
                {
                    case "cs": kind = SpanKind.Client; if (a.Timestamp < md.StartTs) md.StartTs = a.Timestamp; break;
                    case "sr": kind = SpanKind.Server; if (a.Timestamp < md.StartTs) md.StartTs = a.Timestamp; break;
                    case "ss": kind = SpanKind.Server; if (a.Timestamp > md.EndTs) md.EndTs = a.Timestamp; break;
                    case "cr": kind = SpanKind.Client; if (a.Timestamp > md.EndTs) md.EndTs = a.Timestamp; break;
                    case "ms": kind = SpanKind.Producer; msTs = a.Timestamp; break;
                    case "mr": kind = SpanKind.Consumer; mrTs = a.Timestamp; break;
                    case "ws": wsTs = a.Timestamp; break;
                    case "wr": wrTs = a.Timestamp; break;
                }
            }
            if (span.RemoteEndpoint is not null) md.Address = "sa";
            switch (kind)
            {
                case SpanKind.Client:
                    (md.Address, md.Begin, md.End) = ("sa", "cs", "cr");
                    break;
                case SpanKind.Server:
                    (md.Address, md.Begin, md.End) = ("ca", "sr", "ss");
                    break;
                case SpanKind.Producer:
                    (md.Address, md.Begin, md.End) = ("ma", "ms", "ws");
                    if (md.StartTs == 0 || (msTs != 0 && msTs < md.StartTs)) md.StartTs = msTs;
                    if (md.EndTs == 0 || (wsTs != 0 && wsTs > md.EndTs)) md.EndTs = wsTs;
                    break;
                case SpanKind.Consumer:
                    md.Address = "ma";
                    if (md.StartTs == 0 || (wrTs != 0 && wrTs < md.StartTs)) md.StartTs = wrTs;
                    if (md.EndTs == 0 || (mrTs != 0 && mrTs > md.EndTs)) md.EndTs = mrTs;
                    if (md.EndTs != 0 || wrTs != 0) (md.Begin, md.End) = ("wr", "mr");
                    else md.Begin = "mr";
                    break;
                default:
                    return md;
            }
            if (span.RemoteEndpoint is null) md.Address = null;
            return md;
        }
    }
}
