using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>The entry point for every receiver: decodes a list of spans in any Zipkin encoding.</summary>
public static class SpanDecoder
{
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
                _ => throw new SpanFormatException($"{encoding.ZipkinName()} decoding is not available yet"),
            };
        }
        finally
        {
            DecodeContext.Return(context);
        }
    }
}
