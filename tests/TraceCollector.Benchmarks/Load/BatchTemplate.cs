using System.Globalization;
using System.Text;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// A realistic JSON v2 batch (traces of a server root and its client and server children across a
/// few services, with endpoints, tags and an annotation, about 400 bytes a span) built once, with
/// the offsets of every id recorded, so each request gets fresh ids by overwriting hex digits in a
/// copy instead of re-encoding: the load generator spends its share of the two cores on sending.
/// </summary>
internal sealed class BatchTemplate
{
    private static readonly string[] Services = ["frontend", "orders", "payments", "inventory", "users"];

    private readonly byte[] _json;
    private readonly List<(int TraceId, int Id, int ParentId, int Trace, int Index)> _spans = new();

    public BatchTemplate(int traces, int spansPerTrace, long timestampMicros)
    {
        Traces = traces;
        SpansPerTrace = spansPerTrace;
        var json = new StringBuilder(traces * spansPerTrace * 420);
        json.Append('[');
        for (int t = 0; t < traces; t++)
        {
            for (int k = 0; k < spansPerTrace; k++)
            {
                if (json.Length > 1) json.Append(',');
                AppendSpan(json, t, k, timestampMicros);
            }
        }
        json.Append(']');
        _json = Encoding.ASCII.GetBytes(json.ToString());
    }

    public int Traces { get; }

    public int SpansPerTrace { get; }

    public int Length => _json.Length;

    public int SpanCount => Traces * SpansPerTrace;

    /// <summary>The template's bytes with the ids of request <paramref name="request"/>: trace ids are (nonce, request × traces + t).</summary>
    public void Fill(byte[] destination, ulong nonce, long request)
    {
        _json.CopyTo(destination, 0);
        foreach (var (traceAt, idAt, parentAt, trace, index) in _spans)
        {
            ulong low = TraceLow(request, trace);
            WriteHex(destination, traceAt, nonce);
            WriteHex(destination, traceAt + 16, low);
            WriteHex(destination, idAt, SpanId(low, index));
            if (parentAt >= 0) WriteHex(destination, parentAt, SpanId(low, 0));
        }
    }

    public ulong TraceLow(long request, int trace) => (ulong)(request * Traces + trace + 1);

    private static ulong SpanId(ulong traceLow, int index) => (traceLow << 8) | (uint)(index + 1);

    private void AppendSpan(StringBuilder json, int trace, int index, long timestamp)
    {
        string local = Services[index % Services.Length];
        string remote = Services[(index + 1) % Services.Length];
        bool root = index == 0;
        bool client = !root && index % 2 == 1;
        int traceAt, idAt, parentAt = -1;
        json.Append("{\"traceId\":\"");
        traceAt = json.Length;
        json.Append('0', 32).Append('"');
        if (!root)
        {
            json.Append(",\"parentId\":\"");
            parentAt = json.Length;
            json.Append('0', 16).Append('"');
        }
        json.Append(",\"id\":\"");
        idAt = json.Length;
        json.Append('0', 16).Append('"');
        json.Append(",\"kind\":\"").Append(client ? "CLIENT" : "SERVER").Append('"');
        json.Append(",\"name\":\"").Append(client ? "get /api/" + remote : "get /api/" + local).Append('"');
        json.Append(",\"timestamp\":").Append((timestamp + index * 1000).ToString(CultureInfo.InvariantCulture));
        json.Append(",\"duration\":").Append((20_000 - index * 1500).ToString(CultureInfo.InvariantCulture));
        json.Append(",\"localEndpoint\":{\"serviceName\":\"").Append(local).Append("\",\"ipv4\":\"10.0.").Append(index % 5).Append('.').Append(10 + trace).Append("\",\"port\":8080}");
        if (client) json.Append(",\"remoteEndpoint\":{\"serviceName\":\"").Append(remote).Append("\",\"ipv4\":\"10.0.9.").Append(20 + index).Append("\",\"port\":9000}");
        if (client) json.Append(",\"annotations\":[{\"timestamp\":").Append((timestamp + index * 1000 + 50).ToString(CultureInfo.InvariantCulture)).Append(",\"value\":\"wire send\"}]");
        json.Append(",\"tags\":{\"http.method\":\"GET\",\"http.path\":\"/api/").Append(client ? remote : local)
            .Append("\",\"http.status_code\":\"200\",\"component\":\"load-tool\"}");
        json.Append('}');
        _spans.Add((traceAt, idAt, parentAt, trace, index));
    }

    private static void WriteHex(byte[] destination, int at, ulong value)
    {
        for (int i = 15; i >= 0; i--)
        {
            destination[at + i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
