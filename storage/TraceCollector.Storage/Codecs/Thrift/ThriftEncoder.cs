using System.Buffers.Binary;
using System.Text;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Writes spans as a TBinaryProtocol list of Zipkin v1 thrift spans (zipkinCore.thrift), converted as
/// Zipkin's V2SpanConverter does. For tests and tools that feed old collectors; Zipkin never serves thrift.
/// </summary>
public static class ThriftEncoder
{
    public static byte[] EncodeList(IReadOnlyList<Span> spans)
    {
        var buffer = PooledBufferWriter.RentForThread();
        try
        {
            var v1 = new V1Span();
            var writer = new ThriftWriter(buffer);
            writer.WriteListHeader(ThriftWire.Struct, spans.Count);
            for (int i = 0; i < spans.Count; i++) WriteSpan(ref writer, V2ToV1Converter.Convert(spans[i], v1));
            return buffer.ToArray();
        }
        finally
        {
            PooledBufferWriter.ReturnForThread(buffer);
        }
    }

    /// <summary>One span struct, the legacy one-span-per-message form.</summary>
    public static byte[] EncodeSpan(Span span)
    {
        var buffer = new PooledBufferWriter(1024);
        try
        {
            var writer = new ThriftWriter(buffer);
            WriteSpan(ref writer, V2ToV1Converter.Convert(span, new V1Span()));
            return buffer.ToArray();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static void WriteSpan(ref ThriftWriter writer, V1Span span)
    {
        writer.WriteI64Field(1, (long)span.TraceId.Low);
        if (span.TraceId.High != 0) writer.WriteI64Field(12, (long)span.TraceId.High);
        writer.WriteStringField(3, span.Name ?? "");
        writer.WriteI64Field(4, (long)span.Id);
        if (span.ParentId != 0) writer.WriteI64Field(5, (long)span.ParentId);
        if (span.Annotations.Count > 0)
        {
            writer.WriteFieldHeader(ThriftWire.List, 6);
            writer.WriteListHeader(ThriftWire.Struct, span.Annotations.Count);
            foreach (var a in span.Annotations)
            {
                writer.WriteI64Field(1, a.Timestamp);
                writer.WriteStringField(2, a.Value);
                if (a.Endpoint is not null) WriteEndpoint(ref writer, 3, a.Endpoint);
                writer.WriteStop();
            }
        }
        if (span.BinaryAnnotations.Count > 0)
        {
            writer.WriteFieldHeader(ThriftWire.List, 8);
            writer.WriteListHeader(ThriftWire.Struct, span.BinaryAnnotations.Count);
            foreach (var b in span.BinaryAnnotations)
            {
                writer.WriteStringField(1, b.Key);
                if (b.StringValue is null)
                {
                    writer.WriteBinaryField(2, [1]);
                    writer.WriteI32Field(3, 0);
                }
                else
                {
                    writer.WriteStringField(2, b.StringValue);
                    writer.WriteI32Field(3, 6);
                }
                if (b.Endpoint is not null) WriteEndpoint(ref writer, 4, b.Endpoint);
                writer.WriteStop();
            }
        }
        if (span.Debug)
        {
            writer.WriteFieldHeader(ThriftWire.Bool, 9);
            writer.WriteByte(1);
        }
        if (span.Timestamp != 0) writer.WriteI64Field(10, span.Timestamp);
        if (span.Duration != 0) writer.WriteI64Field(11, span.Duration);
        writer.WriteStop();
    }

    private static void WriteEndpoint(ref ThriftWriter writer, short field, Endpoint endpoint)
    {
        writer.WriteFieldHeader(ThriftWire.Struct, field);
        writer.WriteI32Field(1, IpAddressBytes.Ipv4AsInt(endpoint));
        writer.WriteFieldHeader(ThriftWire.I16, 2);
        writer.WriteI16((short)endpoint.Port);
        writer.WriteStringField(3, endpoint.ServiceName ?? "");
        Span<byte> ipv6 = stackalloc byte[16];
        if (IpAddressBytes.TryIpv6(endpoint, ipv6)) writer.WriteBinaryField(4, ipv6);
        writer.WriteStop();
    }

    private ref struct ThriftWriter(PooledBufferWriter buffer)
    {
        public readonly void WriteByte(byte value) => Write([value]);

        public readonly void WriteStop() => WriteByte(ThriftWire.Stop);

        public readonly void WriteFieldHeader(byte type, short id)
        {
            Span<byte> header = [type, (byte)(id >> 8), (byte)id];
            Write(header);
        }

        public readonly void WriteListHeader(byte elementType, int count)
        {
            WriteByte(elementType);
            WriteI32(count);
        }

        public readonly void WriteI16(short value)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(b, value);
            Write(b);
        }

        public readonly void WriteI32(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            Write(b);
        }

        public readonly void WriteI32Field(short id, int value)
        {
            WriteFieldHeader(ThriftWire.I32, id);
            WriteI32(value);
        }

        public readonly void WriteI64Field(short id, long value)
        {
            WriteFieldHeader(ThriftWire.I64, id);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, value);
            Write(b);
        }

        public readonly void WriteStringField(short id, string value)
        {
            WriteFieldHeader(ThriftWire.String, id);
            int length = Encoding.UTF8.GetByteCount(value);
            WriteI32(length);
            Span<byte> dest = buffer.GetSpan(length);
            Encoding.UTF8.GetBytes(value, dest);
            buffer.Advance(length);
        }

        public readonly void WriteBinaryField(short id, scoped ReadOnlySpan<byte> value)
        {
            WriteFieldHeader(ThriftWire.String, id);
            WriteI32(value.Length);
            Write(value);
        }

        private readonly void Write(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.GetSpan(bytes.Length));
            buffer.Advance(bytes.Length);
        }
    }
}
