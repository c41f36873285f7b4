using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>Writes zipkin.proto3.ListOfSpans as Zipkin's Proto3SpanWriter does: absent and default fields omitted.</summary>
public static class Proto3Encoder
{
    public static byte[] EncodeList(IReadOnlyList<Span> spans)
    {
        int total = 0;
        for (int i = 0; i < spans.Count; i++) total += ProtoWriter.LengthDelimitedSize(SpanSize(spans[i]));
        byte[] result = new byte[total];
        var writer = new ProtoWriter(result);
        for (int i = 0; i < spans.Count; i++)
        {
            writer.WriteLengthDelimitedHeader(0x0A, SpanSize(spans[i]));
            WriteSpan(ref writer, spans[i]);
        }
        return result;
    }

    /// <summary>One span as a standalone zipkin.proto3.Span message.</summary>
    public static byte[] EncodeSpan(Span span)
    {
        byte[] result = new byte[SpanSize(span)];
        var writer = new ProtoWriter(result);
        WriteSpan(ref writer, span);
        return result;
    }

    internal static int SpanSize(Span span)
    {
        int size = 2 + (span.TraceId.Is128Bit ? 16 : 8) + 10;
        if (span.ParentId != 0) size += 10;
        if (span.Kind != SpanKind.Unspecified) size += 2;
        size += ProtoWriter.StringFieldSize(span.Name);
        if (span.Timestamp > 0) size += 9;
        if (span.Duration > 0) size += 1 + ProtoWriter.VarintSize((ulong)span.Duration);
        if (span.LocalEndpoint is { } local) size += ProtoWriter.LengthDelimitedSize(EndpointSize(local));
        if (span.RemoteEndpoint is { } remote) size += ProtoWriter.LengthDelimitedSize(EndpointSize(remote));
        foreach (var annotation in span.Annotations) size += ProtoWriter.LengthDelimitedSize(AnnotationSize(annotation));
        foreach (var tag in span.Tags) size += ProtoWriter.LengthDelimitedSize(TagSize(tag));
        if (span.Debug) size += 2;
        if (span.Shared) size += 2;
        return size;
    }

    private static void WriteSpan(ref ProtoWriter writer, Span span)
    {
        Span<byte> traceId = stackalloc byte[16];
        if (span.TraceId.Is128Bit)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(traceId, span.TraceId.High);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(traceId[8..], span.TraceId.Low);
            writer.WriteBytesField(0x0A, traceId);
        }
        else writer.WriteBigEndianId(0x0A, span.TraceId.Low);
        if (span.ParentId != 0) writer.WriteBigEndianId(0x12, span.ParentId);
        writer.WriteBigEndianId(0x1A, span.Id);
        if (span.Kind != SpanKind.Unspecified) writer.WriteVarintField(0x20, (ulong)span.Kind);
        writer.WriteStringField(0x2A, span.Name);
        if (span.Timestamp > 0) writer.WriteFixed64(0x31, (ulong)span.Timestamp);
        if (span.Duration > 0) writer.WriteVarintField(0x38, (ulong)span.Duration);
        if (span.LocalEndpoint is { } local) WriteEndpoint(ref writer, 0x42, local);
        if (span.RemoteEndpoint is { } remote) WriteEndpoint(ref writer, 0x4A, remote);
        foreach (var annotation in span.Annotations)
        {
            writer.WriteLengthDelimitedHeader(0x52, AnnotationSize(annotation));
            writer.WriteFixed64(0x09, (ulong)annotation.Timestamp);
            writer.WriteStringField(0x12, annotation.Value);
        }
        foreach (var tag in span.Tags)
        {
            writer.WriteLengthDelimitedHeader(0x5A, TagSize(tag));
            writer.WriteStringFieldAlways(0x0A, tag.Key);
            writer.WriteStringFieldAlways(0x12, tag.Value);
        }
        if (span.Debug) writer.WriteVarintField(0x60, 1);
        if (span.Shared) writer.WriteVarintField(0x68, 1);
    }

    private static int EndpointSize(Endpoint endpoint)
    {
        Span<byte> scratch = stackalloc byte[16];
        int size = ProtoWriter.StringFieldSize(endpoint.ServiceName);
        if (IpAddressBytes.TryIpv4(endpoint, scratch)) size += 6;
        if (IpAddressBytes.TryIpv6(endpoint, scratch)) size += 18;
        if (endpoint.Port > 0) size += 1 + ProtoWriter.VarintSize((ulong)endpoint.Port);
        return size;
    }

    private static void WriteEndpoint(ref ProtoWriter writer, byte key, Endpoint endpoint)
    {
        writer.WriteLengthDelimitedHeader(key, EndpointSize(endpoint));
        writer.WriteStringField(0x0A, endpoint.ServiceName);
        Span<byte> address = stackalloc byte[16];
        if (IpAddressBytes.TryIpv4(endpoint, address)) writer.WriteBytesField(0x12, address[..4]);
        if (IpAddressBytes.TryIpv6(endpoint, address)) writer.WriteBytesField(0x1A, address);
        if (endpoint.Port > 0) writer.WriteVarintField(0x20, (ulong)endpoint.Port);
    }

    private static int AnnotationSize(Annotation annotation) => 9 + ProtoWriter.StringFieldSize(annotation.Value);

    private static int TagSize(KeyValuePair<string, string> tag) =>
        ProtoWriter.LengthDelimitedSize(System.Text.Encoding.UTF8.GetByteCount(tag.Key))
        + ProtoWriter.LengthDelimitedSize(System.Text.Encoding.UTF8.GetByteCount(tag.Value));
}
