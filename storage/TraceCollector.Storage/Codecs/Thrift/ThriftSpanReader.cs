using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Reads Zipkin's v1 thrift spans (zipkinCore.thrift in TBinaryProtocol) as Zipkin's V1ThriftSpanReader
/// does, and converts each to v2 with <see cref="V1SpanConverter"/>.
/// </summary>
internal static class ThriftSpanReader
{
    /// <summary>A list: element type byte, i32 count, then the span structs.</summary>
    public static List<Span> ReadList(ReadOnlySpan<byte> bytes, DecodeContext context)
    {
        var wire = new ThriftWire(bytes);
        int count = wire.ReadListHeader(out _);
        var spans = new List<Span>(Math.Min(count, 4096));
        for (int i = 0; i < count; i++) ReadSpan(ref wire, bytes, context, i, spans);
        if (wire.HasMore) throw wire.Error($"Unexpected data after {count} spans", wire.Offset);
        return spans;
    }

    /// <summary>One span struct, as legacy transports (Kafka, Scribe) carried them one to a message.</summary>
    public static List<Span> ReadSingle(ReadOnlySpan<byte> bytes, DecodeContext context)
    {
        var wire = new ThriftWire(bytes);
        var spans = new List<Span>(2);
        ReadSpan(ref wire, bytes, context, 0, spans);
        if (wire.HasMore) throw wire.Error("Unexpected data after the span", wire.Offset);
        return spans;
    }

    private static void ReadSpan(ref ThriftWire wire, ReadOnlySpan<byte> bytes, DecodeContext context, int index, List<Span> spans)
    {
        V1Span span = context.V1Span.Clear();
        int start = wire.Offset;
        wire.SpanIndex = index;
        wire.Field = "span";
        ulong traceIdHigh = 0, traceIdLow = 0;
        while (wire.ReadFieldHeader(out byte type, out short id))
        {
            switch ((id, type))
            {
                case (1, ThriftWire.I64):
                    wire.Field = "trace_id";
                    traceIdLow = (ulong)wire.ReadI64();
                    break;
                case (12, ThriftWire.I64):
                    wire.Field = "trace_id_high";
                    traceIdHigh = (ulong)wire.ReadI64();
                    break;
                case (3, ThriftWire.String):
                    wire.Field = "name";
                    string name = context.Names.Get(wire.ReadBinary());
                    span.Name = name.Length == 0 ? null : name;
                    break;
                case (4, ThriftWire.I64):
                    wire.Field = "id";
                    span.Id = (ulong)wire.ReadI64();
                    break;
                case (5, ThriftWire.I64):
                    wire.Field = "parent_id";
                    span.ParentId = (ulong)wire.ReadI64();
                    break;
                case (6, ThriftWire.List):
                {
                    wire.Field = "annotations";
                    int n = wire.ReadListHeader(out _);
                    for (int i = 0; i < n; i++) ReadAnnotation(ref wire, bytes, context, span);
                    break;
                }
                case (8, ThriftWire.List):
                {
                    wire.Field = "binary_annotations";
                    int n = wire.ReadListHeader(out _);
                    for (int i = 0; i < n; i++) ReadBinaryAnnotation(ref wire, bytes, context, span);
                    break;
                }
                case (9, ThriftWire.Bool):
                    wire.Field = "debug";
                    span.Debug = wire.ReadByte() == 1;
                    break;
                case (10, ThriftWire.I64):
                    wire.Field = "timestamp";
                    span.Timestamp = wire.ReadI64();
                    break;
                case (11, ThriftWire.I64):
                    wire.Field = "duration";
                    span.Duration = wire.ReadI64();
                    break;
                default:
                    wire.Field = "span";
                    wire.Skip(type);
                    break;
            }
        }
        span.TraceId = new TraceId(traceIdHigh, traceIdLow);
        wire.Field = "span";
        if (span.Validate() is { } problem) throw wire.Error(problem, start);
        try
        {
            context.V1Converter.Convert(span, spans);
        }
        catch (SpanValidationException e)
        {
            throw new SpanFormatException($"{e.Message} at spans[{index}] (byte offset {start})", e);
        }
    }

    private static void ReadAnnotation(ref ThriftWire wire, ReadOnlySpan<byte> bytes, DecodeContext context, V1Span span)
    {
        long timestamp = 0;
        string? value = null;
        Endpoint? endpoint = null;
        while (wire.ReadFieldHeader(out byte type, out short id))
        {
            switch ((id, type))
            {
                case (1, ThriftWire.I64): timestamp = wire.ReadI64(); break;
                case (2, ThriftWire.String): value = context.Strings.Get(wire.ReadBinary()); break;
                case (3, ThriftWire.Struct): endpoint = ReadEndpoint(ref wire, bytes, context); break;
                default: wire.Skip(type); break;
            }
        }
        // Zipkin drops, rather than rejects, an incomplete thrift annotation.
        if (timestamp == 0 || value is null) return;
        span.Annotations.Add(new V1Annotation(timestamp, value, endpoint));
    }

    private static void ReadBinaryAnnotation(ref ThriftWire wire, ReadOnlySpan<byte> bytes, DecodeContext context, V1Span span)
    {
        string? key = null;
        ReadOnlySpan<byte> value = default;
        bool hasValue = false;
        int annotationType = -1;
        Endpoint? endpoint = null;
        while (wire.ReadFieldHeader(out byte type, out short id))
        {
            switch ((id, type))
            {
                case (1, ThriftWire.String): key = context.Strings.Get(wire.ReadBinary()); break;
                case (2, ThriftWire.String): value = wire.ReadBinary(); hasValue = true; break;
                case (3, ThriftWire.I32): annotationType = wire.ReadI32(); break;
                case (4, ThriftWire.Struct): endpoint = ReadEndpoint(ref wire, bytes, context); break;
                default: wire.Skip(type); break;
            }
        }
        if (key is null || !hasValue) return;
        const int BoolType = 0, StringType = 6;
        if (annotationType == StringType)
        {
            span.BinaryAnnotations.Add(new V1BinaryAnnotation(key, context.Strings.Get(value), endpoint));
        }
        else if (annotationType == BoolType && value.Length == 1 && value[0] is 1 or (byte)'1')
        {
            // A true address flag: Zipkin's byte 1, or py_zipkin's "1".
            span.AddAddress(key, endpoint);
        }
    }

    private static Endpoint? ReadEndpoint(ref ThriftWire wire, ReadOnlySpan<byte> bytes, DecodeContext context)
    {
        int start = wire.Offset;
        // Skip ahead first: the struct's bytes are the cache key, and a hit needs no parsing.
        var ahead = wire;
        ahead.Skip(ThriftWire.Struct);
        ReadOnlySpan<byte> encoded = bytes[start..ahead.Offset];
        if (context.Endpoints.TryGet(encoded, out var cached))
        {
            wire = ahead;
            return cached;
        }
        int ipv4 = 0, port = 0;
        string? serviceName = null;
        ReadOnlySpan<byte> ipv6 = default;
        while (wire.ReadFieldHeader(out byte type, out short id))
        {
            switch ((id, type))
            {
                case (1, ThriftWire.I32): ipv4 = wire.ReadI32(); break;
                // Thrift's i16 is signed; ports above 32767 arrive negative.
                case (2, ThriftWire.I16): port = (ushort)wire.ReadI16(); break;
                case (3, ThriftWire.String): serviceName = context.Names.Get(wire.ReadBinary()); break;
                case (4, ThriftWire.String): ipv6 = wire.ReadBinary(); break;
                default: wire.Skip(type); break;
            }
        }
        Span<byte> ipv4Bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ipv4Bytes, ipv4);
        var endpoint = Endpoint.FromBytes(serviceName, ipv4 != 0 ? ipv4Bytes : default, ipv6, port);
        context.Endpoints.Add(encoded, endpoint);
        return endpoint;
    }
}
