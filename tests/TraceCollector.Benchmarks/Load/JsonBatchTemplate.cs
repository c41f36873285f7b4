using System.Globalization;
using System.Net;
using System.Text;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Load;

/// <summary>The batch as a Zipkin JSON v2 list (about 430 bytes a span) for POST /api/v2/spans; ids are lower-case hex digits.</summary>
internal sealed class JsonBatchTemplate : BatchTemplate
{
    public JsonBatchTemplate(int traces, int spansPerTrace, long timestampMicros)
        : base(traces, spansPerTrace, Encode(traces, spansPerTrace, timestampMicros))
    {
    }

    public override string Path => "api/v2/spans";

    public override string ContentType => "application/json";

    public override HttpStatusCode Accepted => HttpStatusCode.Accepted;

    public override bool IsBackPressure(HttpStatusCode status) => status == HttpStatusCode.ServiceUnavailable;

    public override IReadOnlyList<Span> Decode(byte[] body) => SpanDecoder.DecodeList(SpanEncoding.JsonV2, body);

    protected override void WriteTraceId(byte[] destination, int at, ulong high, ulong low)
    {
        WriteHex(destination, at, high);
        WriteHex(destination, at + 16, low);
    }

    protected override void WriteSpanId(byte[] destination, int at, ulong id) => WriteHex(destination, at, id);

    private static EncodedBatch Encode(int traces, int spansPerTrace, long timestampMicros)
    {
        var json = new StringBuilder(traces * spansPerTrace * 420);
        var ids = new List<IdOffsets>(traces * spansPerTrace);
        json.Append('[');
        for (int t = 0; t < traces; t++)
        {
            for (int k = 0; k < spansPerTrace; k++)
            {
                if (json.Length > 1) json.Append(',');
                ids.Add(AppendSpan(json, new LoadSpan(t, k, timestampMicros)));
            }
        }
        json.Append(']');
        return new EncodedBatch(Encoding.ASCII.GetBytes(json.ToString()), ids);
    }

    private static IdOffsets AppendSpan(StringBuilder json, LoadSpan span)
    {
        int traceAt, idAt, parentAt = -1;
        json.Append("{\"traceId\":\"");
        traceAt = json.Length;
        json.Append('0', 32).Append('"');
        if (!span.IsRoot)
        {
            json.Append(",\"parentId\":\"");
            parentAt = json.Length;
            json.Append('0', 16).Append('"');
        }
        json.Append(",\"id\":\"");
        idAt = json.Length;
        json.Append('0', 16).Append('"');
        json.Append(",\"kind\":\"").Append(span.IsClient ? "CLIENT" : "SERVER").Append('"');
        json.Append(",\"name\":\"").Append(span.Name).Append('"');
        json.Append(",\"timestamp\":").Append(Invariant(span.StartMicros));
        json.Append(",\"duration\":").Append(Invariant(span.DurationMicros));
        json.Append(",\"localEndpoint\":{\"serviceName\":\"").Append(span.LocalService).Append("\",\"ipv4\":\"").Append(span.LocalIpv4)
            .Append("\",\"port\":").Append(Invariant(LoadSpan.LocalPort)).Append('}');
        if (span.IsClient)
        {
            json.Append(",\"remoteEndpoint\":{\"serviceName\":\"").Append(span.RemoteService).Append("\",\"ipv4\":\"").Append(span.RemoteIpv4)
                .Append("\",\"port\":").Append(Invariant(LoadSpan.RemotePort)).Append('}');
            json.Append(",\"annotations\":[{\"timestamp\":").Append(Invariant(span.AnnotationMicros))
                .Append(",\"value\":\"").Append(LoadSpan.AnnotationValue).Append("\"}]");
        }
        json.Append(",\"tags\":{");
        bool first = true;
        foreach (var (key, value) in span.Tags)
        {
            if (!first) json.Append(',');
            first = false;
            json.Append('"').Append(key).Append("\":\"").Append(value).Append('"');
        }
        json.Append("}}");
        return new IdOffsets(traceAt, idAt, parentAt, span.Trace, span.Index);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteHex(byte[] destination, int at, ulong value)
    {
        for (int i = 15; i >= 0; i--)
        {
            destination[at + i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
