using System.Collections.Concurrent;

namespace TraceCollector.Collector.Metrics;

/// <summary>
/// Zipkin's collector meters, one set per transport label, rendered as
/// <c>zipkin_collector_{messages,messages_dropped,bytes,spans,spans_dropped}_total{transport="..."}</c>.
/// </summary>
public sealed class CollectorMetrics
{
    private readonly ConcurrentDictionary<string, TransportMetrics> _transports = new(StringComparer.Ordinal);

    public TransportMetrics For(string transport) => _transports.GetOrAdd(transport, static t => new TransportMetrics(t));

    public IReadOnlyCollection<TransportMetrics> Transports => (IReadOnlyCollection<TransportMetrics>)_transports.Values;
}

/// <summary>Counters of one transport; every increment is atomic so receivers on many threads share them.</summary>
public sealed class TransportMetrics
{
    private long _messages, _messagesDropped, _bytes, _spans, _spansDropped, _lastMessageSpans, _lastMessageBytes;

    internal TransportMetrics(string transport) => Transport = transport;

    public string Transport { get; }

    public long Messages => Volatile.Read(ref _messages);
    public long MessagesDropped => Volatile.Read(ref _messagesDropped);
    public long Bytes => Volatile.Read(ref _bytes);
    public long Spans => Volatile.Read(ref _spans);
    public long SpansDropped => Volatile.Read(ref _spansDropped);
    public long LastMessageSpans => Volatile.Read(ref _lastMessageSpans);
    public long LastMessageBytes => Volatile.Read(ref _lastMessageBytes);

    /// <summary>A message (request, Kafka record) arrived with this many bytes after decompression.</summary>
    public void RecordMessage(long bytes)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes);
        Volatile.Write(ref _lastMessageBytes, bytes);
    }

    /// <summary>A message was decoded into this many spans.</summary>
    public void RecordSpans(int spans)
    {
        Interlocked.Add(ref _spans, spans);
        Volatile.Write(ref _lastMessageSpans, spans);
    }

    /// <summary>A message could not be decoded, or was refused whole.</summary>
    public void RecordMessageDropped() => Interlocked.Increment(ref _messagesDropped);

    /// <summary>Spans that were decoded but not stored: sampled out, refused under back-pressure, or lost to a storage failure.</summary>
    public void RecordSpansDropped(int spans) => Interlocked.Add(ref _spansDropped, spans);
}
