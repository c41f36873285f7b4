using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// Before a run, one filled batch goes through the collector's own decoder for its format and is
/// compared with the JSON v2 batch: every id must be the one the read-back will ask for, and an
/// OTLP span must map to what its JSON twin says, so the two formats' figures measure the same spans.
/// </summary>
internal static class TemplateCheck
{
    public static List<string> FindProblems(BatchTemplate template, long timestampMicros, ulong nonce)
    {
        var problems = new List<string>();
        Dictionary<(TraceId, ulong), Span> reference, actual;
        try
        {
            reference = DecodeFilled(new JsonBatchTemplate(template.Traces, template.SpansPerTrace, timestampMicros), nonce);
            actual = DecodeFilled(template, nonce);
        }
        catch (Exception e) when (e is SpanFormatException or InvalidDataException)
        {
            problems.Add($"the template does not decode: {e.Message}");
            return problems;
        }
        if (actual.Count != template.SpanCount) problems.Add($"decoded {actual.Count} distinct spans, expected {template.SpanCount}");

        for (int t = 0; t < template.Traces; t++)
        {
            ulong low = template.TraceLow(0, t);
            var traceId = new TraceId(nonce, low);
            string traceHex = template.TraceIdHex(nonce, 0, t);
            if (traceId.ToString() != traceHex) problems.Add($"trace id {traceId} is read back as {traceHex}");
            for (int k = 0; k < template.SpansPerTrace; k++)
            {
                ulong id = BatchTemplate.SpanId(low, k);
                if (!actual.TryGetValue((traceId, id), out var got)) problems.Add($"span {traceHex}/{id:x16} is missing");
                else if (!reference.TryGetValue((traceId, id), out var want)) problems.Add($"span {traceHex}/{id:x16} is missing from the JSON v2 reference");
                else Compare(want, got, $"span {traceHex}/{id:x16}", problems);
            }
        }
        return problems;
    }

    private static Dictionary<(TraceId, ulong), Span> DecodeFilled(BatchTemplate template, ulong nonce)
    {
        var body = new byte[template.Length];
        template.Fill(body, nonce, request: 0);
        var spans = new Dictionary<(TraceId, ulong), Span>();
        foreach (var span in template.Decode(body)) spans[(span.TraceId, span.Id)] = span;
        return spans;
    }

    // The local endpoint is compared by service only: OTLP's mapping has no local address or port.
    private static void Compare(Span want, Span got, string what, List<string> problems)
    {
        if (got.ParentId != want.ParentId) problems.Add($"{what}: parent {got.ParentId:x16}, expected {want.ParentId:x16}");
        if (got.Kind != want.Kind) problems.Add($"{what}: kind {got.Kind}, expected {want.Kind}");
        if (got.Name != want.Name) problems.Add($"{what}: name {got.Name}, expected {want.Name}");
        if (got.Timestamp != want.Timestamp || got.Duration != want.Duration)
        {
            problems.Add($"{what}: timestamp/duration {got.Timestamp}/{got.Duration}, expected {want.Timestamp}/{want.Duration}");
        }
        if (got.LocalServiceName != want.LocalServiceName) problems.Add($"{what}: service {got.LocalServiceName}, expected {want.LocalServiceName}");
        if (got.RemoteEndpoint != want.RemoteEndpoint) problems.Add($"{what}: remote endpoint {got.RemoteEndpoint}, expected {want.RemoteEndpoint}");
        if (!got.Annotations.SequenceEqual(want.Annotations)) problems.Add($"{what}: annotations differ");
        foreach (var (key, value) in want.Tags)
        {
            if (!got.TryGetTag(key, out string gotValue) || gotValue != value) problems.Add($"{what}: tag {key} missing or not {value}");
        }
        foreach (var (key, _) in got.Tags)
        {
            if (!want.TryGetTag(key, out _) && Array.IndexOf(OtlpBatchTemplate.PeerAttributes, key) < 0) problems.Add($"{what}: unexpected tag {key}");
        }
    }
}
