using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TraceCollector.Collector.Otlp;

/// <summary>
/// The bodies OTLP answers with: ExportTraceServiceResponse (with partial_success when spans were
/// rejected) and google.rpc.Status for errors, in protobuf or in OTLP/JSON like the request.
/// </summary>
internal static class OtlpResponses
{
    // gRPC status codes, which google.rpc.Status carries on HTTP too.
    public const int InvalidArgument = 3, ResourceExhausted = 8, Unavailable = 14;

    public static byte[] ExportResponseProtobuf(int rejected, string? errorMessage)
    {
        if (rejected == 0) return [];
        var inner = new ArrayBufferWriter<byte>(64);
        WriteTag(inner, 1, 0);
        WriteVarint(inner, (ulong)rejected);
        if (!string.IsNullOrEmpty(errorMessage)) WriteString(inner, 2, errorMessage);
        var outer = new ArrayBufferWriter<byte>(inner.WrittenCount + 8);
        WriteTag(outer, 1, 2);
        WriteVarint(outer, (ulong)inner.WrittenCount);
        outer.Write(inner.WrittenSpan);
        return outer.WrittenSpan.ToArray();
    }

    public static byte[] ExportResponseJson(int rejected, string? errorMessage)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (rejected > 0)
            {
                writer.WriteStartObject("partialSuccess");
                // int64 fields are strings in the protobuf JSON mapping.
                writer.WriteString("rejectedSpans", rejected.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(errorMessage)) writer.WriteString("errorMessage", errorMessage);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] StatusProtobuf(int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 16);
        WriteTag(buffer, 1, 0);
        WriteVarint(buffer, (ulong)code);
        WriteString(buffer, 2, message);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] StatusJson(int code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, int field, string value)
    {
        WriteTag(buffer, field, 2);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(buffer, (ulong)length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private static void WriteTag(ArrayBufferWriter<byte> buffer, int field, int wireType) => WriteVarint(buffer, (ulong)((field << 3) | wireType));

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        buffer.Advance(n);
    }
}
