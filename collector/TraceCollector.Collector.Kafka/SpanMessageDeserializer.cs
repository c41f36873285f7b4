using Confluent.Kafka;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Collector.Kafka;

/// <summary>What one Kafka record held: its spans, or why it could not be read.</summary>
internal sealed class SpanMessage
{
    private static readonly SpanMessage EmptyMessage = new(Array.Empty<Span>(), 0, null);

    private SpanMessage(IReadOnlyList<Span> spans, int bytes, string? error)
    {
        Spans = spans;
        Bytes = bytes;
        Error = error;
    }

    public IReadOnlyList<Span> Spans { get; }

    public int Bytes { get; }

    /// <summary>Why the value is not spans; null when it decoded.</summary>
    public string? Error { get; }

    public static SpanMessage Decoded(IReadOnlyList<Span> spans, int bytes) => new(spans, bytes, null);

    public static SpanMessage Undecodable(string error, int bytes) => new(Array.Empty<Span>(), bytes, error);

    public static SpanMessage Empty => EmptyMessage;
}

/// <summary>
/// Decodes a record's value straight from librdkafka's buffer (no byte[] copy). It never throws:
/// a poison message must become a counted, logged skip, not a consume error that stalls the partition.
/// </summary>
internal sealed class SpanMessageDeserializer : IDeserializer<SpanMessage>
{
    public static readonly SpanMessageDeserializer Instance = new();

    public SpanMessage Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        // Zipkin skips empty values silently: they are not counted as dropped.
        if (isNull || data.IsEmpty) return SpanMessage.Empty;
        try
        {
            return SpanMessage.Decoded(SpanDecoder.DecodeMessage(data), data.Length);
        }
        catch (SpanFormatException e)
        {
            return SpanMessage.Undecodable(e.Message, data.Length);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A codec bug must not stall the partition either; the type names the bug in the log.
            return SpanMessage.Undecodable($"{e.GetType().Name}: {e.Message}", data.Length);
        }
    }
}
