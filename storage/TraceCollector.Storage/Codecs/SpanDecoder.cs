using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>The entry point for every receiver: decodes a list of spans in any Zipkin encoding.</summary>
public static class SpanDecoder
{
    private static readonly IReadOnlyList<Span> NoSpans = Array.Empty<Span>();

    /// <summary>Decodes a list in the given encoding.</summary>
    /// <exception cref="SpanFormatException">The bytes are not a valid list in that encoding; the message names what and where.</exception>
    public static IReadOnlyList<Span> DecodeList(SpanEncoding encoding, ReadOnlySpan<byte> bytes)
    {
        var context = DecodeContext.Rent();
        try
        {
            return encoding switch
            {
                SpanEncoding.JsonV2 => JsonV2SpanReader.ReadList(bytes, context),
                SpanEncoding.JsonV1 => JsonV1SpanReader.ReadList(bytes, context),
                SpanEncoding.Proto3 => Proto3SpanReader.ReadList(bytes, context),
                SpanEncoding.Thrift => ThriftSpanReader.ReadList(bytes, context),
                _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "not a span encoding"),
            };
        }
        finally
        {
            DecodeContext.Return(context);
        }
    }

    /// <summary>
    /// Detects a list's encoding from its first bytes as Zipkin's SpanBytesDecoderDetector does: '[' is JSON
    /// (v2 when it mentions an endpoint or tags, else v1), 0x0A with a non-zero length proto3, 0x0C or 0x0B thrift.
    /// </summary>
    /// <exception cref="SpanFormatException">Empty, a single JSON object, or no known list encoding.</exception>
    public static SpanEncoding DetectListEncoding(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) throw new SpanFormatException("Empty input: expected a list of spans");
        byte first = bytes[0];
        if (first == (byte)'[') return IsJsonV2(bytes) ? SpanEncoding.JsonV2 : SpanEncoding.JsonV1;
        if (IsProto3(bytes)) return SpanEncoding.Proto3;
        // 0x0B (a list of strings) is what one old reporter wrote by mistake; Zipkin reads it as a list of spans.
        if (first is ThriftWire.Struct or ThriftWire.String) return SpanEncoding.Thrift;
        if (first == (byte)'{') throw new SpanFormatException("Expected a list of spans but received a single JSON object (byte offset 0)");
        throw new SpanFormatException($"Expected json, proto3 or thrift list encoding but the first byte is 0x{first:X2} (byte offset 0)");
    }

    /// <summary>
    /// Decodes one message of a message transport (Kafka) by Zipkin's rules: empty is no spans; a
    /// single byte is malformed; a first byte of 16 or less that is neither proto3 nor a thrift
    /// STRUCT list is a legacy single thrift span; anything else is a list in its detected encoding.
    /// </summary>
    /// <exception cref="SpanFormatException">The message holds no readable spans; the message names what and where.</exception>
    public static IReadOnlyList<Span> DecodeMessage(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty) return NoSpans;
        if (message.Length == 1) throw new SpanFormatException($"A one-byte message (0x{message[0]:X2}) cannot hold a span");
        if (!IsProto3(message) && message[0] <= 16 && message[0] != ThriftWire.Struct)
        {
            var context = DecodeContext.Rent();
            try
            {
                return ThriftSpanReader.ReadSingle(message, context);
            }
            finally
            {
                DecodeContext.Return(context);
            }
        }
        return DecodeList(DetectListEncoding(message), message);
    }

    // Field 1 (ListOfSpans.spans), wire type 2, and a non-zero length: a thrift span struct cannot start so.
    private static bool IsProto3(ReadOnlySpan<byte> bytes) => bytes.Length > 1 && bytes[0] == 0x0A && bytes[1] != 0;

    // Zipkin's own test: only v2 has "localEndpoint"/"remoteEndpoint" and "tags".
    private static bool IsJsonV2(ReadOnlySpan<byte> bytes) => bytes.IndexOf("Endpoint\""u8) >= 0 || bytes.IndexOf("\"tags\""u8) >= 0;
}
