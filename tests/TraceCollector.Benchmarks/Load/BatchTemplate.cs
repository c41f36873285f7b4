using System.Net;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// A realistic batch (traces of a server root and its client and server children across a few
/// services, with endpoints, tags and an annotation) encoded once, with the offsets of every id
/// recorded, so each request gets fresh ids by overwriting them in a copy instead of re-encoding:
/// the load generator spends its share of the two cores on sending.
/// </summary>
internal abstract class BatchTemplate
{
    private readonly byte[] _encoded;
    private readonly List<IdOffsets> _ids;

    protected BatchTemplate(int traces, int spansPerTrace, EncodedBatch encoded)
    {
        Traces = traces;
        SpansPerTrace = spansPerTrace;
        _encoded = encoded.Bytes;
        _ids = encoded.Ids;
    }

    public static BatchTemplate Create(LoadFormat format, int traces, int spansPerTrace, long timestampMicros) => format switch
    {
        LoadFormat.OtlpProto => new OtlpBatchTemplate(traces, spansPerTrace, timestampMicros),
        _ => new JsonBatchTemplate(traces, spansPerTrace, timestampMicros),
    };

    public int Traces { get; }

    public int SpansPerTrace { get; }

    public int Length => _encoded.Length;

    public int SpanCount => Traces * SpansPerTrace;

    /// <summary>The receiver's path, relative to the server's base address.</summary>
    public abstract string Path { get; }

    public abstract string ContentType { get; }

    /// <summary>The status that means the receiver accepted (and, with durable acknowledgement, stored) the batch.</summary>
    public abstract HttpStatusCode Accepted { get; }

    /// <summary>Statuses the receiver answers under back-pressure: refused, counted as not accepted, but not an error of the run.</summary>
    public abstract bool IsBackPressure(HttpStatusCode status);

    /// <summary>Decodes a filled body with the collector's own decoder for this format, to check the template before a run.</summary>
    public abstract IReadOnlyList<Span> Decode(byte[] body);

    /// <summary>The template's bytes with the ids of request <paramref name="request"/>: trace ids are (nonce, request × traces + t).</summary>
    public void Fill(byte[] destination, ulong nonce, long request)
    {
        _encoded.CopyTo(destination, 0);
        foreach (var span in _ids)
        {
            ulong low = TraceLow(request, span.Trace);
            WriteTraceId(destination, span.TraceIdAt, nonce, low);
            WriteSpanId(destination, span.SpanIdAt, SpanId(low, span.Index));
            if (span.ParentIdAt >= 0) WriteSpanId(destination, span.ParentIdAt, SpanId(low, 0));
        }
    }

    public ulong TraceLow(long request, int trace) => (ulong)(request * Traces + trace + 1);

    /// <summary>The trace id as the query API spells it, which is what the read-back asks for.</summary>
    public string TraceIdHex(ulong nonce, long request, int trace) => $"{nonce:x16}{TraceLow(request, trace):x16}";

    public static ulong SpanId(ulong traceLow, int index) => (traceLow << 8) | (uint)(index + 1);

    protected abstract void WriteTraceId(byte[] destination, int at, ulong high, ulong low);

    protected abstract void WriteSpanId(byte[] destination, int at, ulong id);

    /// <summary>Where one span's ids sit in the encoded batch; <see cref="ParentIdAt"/> is -1 for a root.</summary>
    protected readonly record struct IdOffsets(int TraceIdAt, int SpanIdAt, int ParentIdAt, int Trace, int Index);

    protected sealed record EncodedBatch(byte[] Bytes, List<IdOffsets> Ids);
}

/// <summary>The wire format the load tool posts.</summary>
internal enum LoadFormat
{
    ZipkinJson,
    OtlpProto,
}
