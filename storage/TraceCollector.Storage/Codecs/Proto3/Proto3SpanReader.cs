using System.Buffers.Binary;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Reads zipkin.proto3.ListOfSpans (openzipkin/zipkin-api zipkin.proto) by hand: field keys are
/// switched on directly, strings go through the context's caches, endpoints through its endpoint cache.
/// </summary>
internal static class Proto3SpanReader
{
    // Field keys, (number << 3) | wire type, of zipkin.proto's Span.
    private const int TraceIdKey = (1 << 3) | ProtoWire.LengthDelimited;
    private const int ParentIdKey = (2 << 3) | ProtoWire.LengthDelimited;
    private const int IdKey = (3 << 3) | ProtoWire.LengthDelimited;
    private const int KindKey = (4 << 3) | ProtoWire.Varint;
    private const int NameKey = (5 << 3) | ProtoWire.LengthDelimited;
    private const int TimestampKey = (6 << 3) | ProtoWire.Fixed64;
    private const int DurationKey = (7 << 3) | ProtoWire.Varint;
    private const int LocalEndpointKey = (8 << 3) | ProtoWire.LengthDelimited;
    private const int RemoteEndpointKey = (9 << 3) | ProtoWire.LengthDelimited;
    private const int AnnotationKey = (10 << 3) | ProtoWire.LengthDelimited;
    private const int TagKey = (11 << 3) | ProtoWire.LengthDelimited;
    private const int DebugKey = (12 << 3) | ProtoWire.Varint;
    private const int SharedKey = (13 << 3) | ProtoWire.Varint;

    public static List<Span> ReadList(ReadOnlySpan<byte> bytes, DecodeContext context)
    {
        var spans = new List<Span>(Math.Min(bytes.Length / 128 + 1, 4096));
        var list = new ProtoWire(bytes);
        while (list.HasMore)
        {
            int field = list.ReadKey(out int wireType, "ListOfSpans");
            if (field != 1)
            {
                list.Skip(wireType, "ListOfSpans");
                continue;
            }
            list.Expect(wireType, ProtoWire.LengthDelimited, "ListOfSpans.spans");
            var span = list.ReadBytes("ListOfSpans.spans", out int offset);
            spans.Add(ReadSpan(span, offset, context, spans.Count));
        }
        return spans;
    }

    private static Span ReadSpan(ReadOnlySpan<byte> bytes, int baseOffset, DecodeContext context, int index)
    {
        SpanBuilder builder = context.Builder.Clear();
        var wire = new ProtoWire(bytes, baseOffset, index);
        int annotations = 0;
        while (wire.HasMore)
        {
            int fieldStart = wire.Offset;
            int field = wire.ReadKey(out int wireType, "span");
            int key = (field << 3) | wireType;
            switch (key)
            {
                case TraceIdKey:
                {
                    var id = wire.ReadBytes("traceId", out _);
                    if (id.Length == 16) builder.TraceId = new TraceId(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]));
                    else if (id.Length == 8) builder.TraceId = new TraceId(0, BinaryPrimitives.ReadUInt64BigEndian(id));
                    else throw Invalid(index, "traceId", $"is {id.Length} bytes, expected 8 or 16", fieldStart);
                    break;
                }
                case ParentIdKey:
                    builder.ParentId = ReadId(ref wire, index, "parentId", fieldStart);
                    break;
                case IdKey:
                    builder.Id = ReadId(ref wire, index, "id", fieldStart);
                    if (builder.Id == 0) throw Invalid(index, "id", "is all zeros", fieldStart);
                    break;
                case KindKey:
                {
                    ulong kind = wire.ReadVarint("kind");
                    // Zipkin ignores kinds it does not know rather than rejecting the span.
                    builder.Kind = kind <= (ulong)SpanKind.Consumer ? (SpanKind)kind : SpanKind.Unspecified;
                    break;
                }
                case NameKey:
                    builder.Name = context.Names.Get(wire.ReadBytes("name", out _));
                    break;
                case TimestampKey:
                    builder.Timestamp = (long)wire.ReadFixed64("timestamp");
                    break;
                case DurationKey:
                    builder.Duration = (long)wire.ReadVarint("duration");
                    break;
                case LocalEndpointKey:
                {
                    var endpoint = wire.ReadBytes("localEndpoint", out int offset);
                    builder.LocalEndpoint = ReadEndpoint(endpoint, offset, context, index, EndpointNames.Local);
                    break;
                }
                case RemoteEndpointKey:
                {
                    var endpoint = wire.ReadBytes("remoteEndpoint", out int offset);
                    builder.RemoteEndpoint = ReadEndpoint(endpoint, offset, context, index, EndpointNames.Remote);
                    break;
                }
                case AnnotationKey:
                {
                    var annotation = wire.ReadBytes("annotations", out int offset);
                    ReadAnnotation(annotation, offset, context, index, annotations++);
                    break;
                }
                case TagKey:
                {
                    var tag = wire.ReadBytes("tags", out int offset);
                    ReadTag(tag, offset, context, index);
                    break;
                }
                case DebugKey:
                    builder.Debug = wire.ReadVarint("debug") != 0;
                    break;
                case SharedKey:
                    builder.Shared = wire.ReadVarint("shared") != 0;
                    break;
                default:
                    if (field <= 13) throw Invalid(index, $"field {field}", $"has wire type {wireType}, which zipkin.proto does not use for it", fieldStart);
                    wire.Skip(wireType, "span");
                    break;
            }
        }
        try
        {
            return builder.Build();
        }
        catch (SpanValidationException e)
        {
            throw new SpanFormatException($"{e.Message} at spans[{index}] (byte offset {baseOffset})", e);
        }
    }

    private static ulong ReadId(ref ProtoWire wire, int index, string field, int fieldStart)
    {
        var id = wire.ReadBytes(field, out _);
        if (id.Length != 8) throw Invalid(index, field, $"is {id.Length} bytes, expected 8", fieldStart);
        return BinaryPrimitives.ReadUInt64BigEndian(id);
    }

    private static Endpoint? ReadEndpoint(ReadOnlySpan<byte> bytes, int baseOffset, DecodeContext context, int index, EndpointNames names)
    {
        if (context.Endpoints.TryGet(bytes, out var cached)) return cached;
        string? serviceName = null;
        ReadOnlySpan<byte> ipv4 = default, ipv6 = default;
        long port = 0;
        var wire = new ProtoWire(bytes, baseOffset, index);
        while (wire.HasMore)
        {
            int fieldStart = wire.Offset;
            int number = wire.ReadKey(out int wireType, names.Endpoint);
            switch ((number << 3) | wireType)
            {
                case (1 << 3) | ProtoWire.LengthDelimited:
                    serviceName = context.Names.Get(wire.ReadBytes(names.ServiceName, out _));
                    break;
                case (2 << 3) | ProtoWire.LengthDelimited:
                    ipv4 = wire.ReadBytes(names.Ipv4, out _);
                    break;
                case (3 << 3) | ProtoWire.LengthDelimited:
                    ipv6 = wire.ReadBytes(names.Ipv6, out _);
                    break;
                case (4 << 3) | ProtoWire.Varint:
                    port = (int)wire.ReadVarint(names.Port);
                    if (port > 65535) throw Invalid(index, names.Port, $"{port} is greater than 65535", fieldStart);
                    break;
                default:
                    wire.Skip(wireType, names.Endpoint);
                    break;
            }
        }
        var endpoint = Endpoint.FromBytes(serviceName, ipv4, ipv6, port < 0 ? 0 : (int)port);
        context.Endpoints.Add(bytes, endpoint);
        return endpoint;
    }

    private static void ReadAnnotation(ReadOnlySpan<byte> bytes, int baseOffset, DecodeContext context, int index, int annotation)
    {
        long timestamp = 0;
        string? value = null;
        var wire = new ProtoWire(bytes, baseOffset, index);
        while (wire.HasMore)
        {
            int number = wire.ReadKey(out int wireType, "annotations");
            switch ((number << 3) | wireType)
            {
                case (1 << 3) | ProtoWire.Fixed64:
                    timestamp = (long)wire.ReadFixed64("annotations");
                    break;
                case (2 << 3) | ProtoWire.LengthDelimited:
                    value = context.Strings.Get(wire.ReadBytes("annotations", out _));
                    break;
                default:
                    wire.Skip(wireType, "annotations");
                    break;
            }
        }
        if (timestamp == 0 || string.IsNullOrEmpty(value))
        {
            throw new SpanFormatException($"Incomplete annotation: timestamp and value are required at spans[{index}].annotations[{annotation}] (byte offset {baseOffset})");
        }
        context.Builder.AddAnnotation(timestamp, value);
    }

    private static void ReadTag(ReadOnlySpan<byte> bytes, int baseOffset, DecodeContext context, int index)
    {
        string key = "", value = "";
        var wire = new ProtoWire(bytes, baseOffset, index);
        while (wire.HasMore)
        {
            int number = wire.ReadKey(out int wireType, "tags");
            switch ((number << 3) | wireType)
            {
                case (1 << 3) | ProtoWire.LengthDelimited:
                    key = context.Strings.Get(wire.ReadBytes("tags", out _));
                    break;
                case (2 << 3) | ProtoWire.LengthDelimited:
                    value = context.Strings.Get(wire.ReadBytes("tags", out _));
                    break;
                default:
                    wire.Skip(wireType, "tags");
                    break;
            }
        }
        context.Builder.PutTag(key, value);
    }

    /// <summary>Field paths for errors, made once so reading an endpoint formats no strings.</summary>
    private sealed record EndpointNames(string Endpoint, string ServiceName, string Ipv4, string Ipv6, string Port)
    {
        public static readonly EndpointNames Local = new("localEndpoint", "localEndpoint.serviceName", "localEndpoint.ipv4", "localEndpoint.ipv6", "localEndpoint.port");
        public static readonly EndpointNames Remote = new("remoteEndpoint", "remoteEndpoint.serviceName", "remoteEndpoint.ipv4", "remoteEndpoint.ipv6", "remoteEndpoint.port");
    }

    private static SpanFormatException Invalid(int index, string field, string what, int offset) =>
        new($"spans[{index}].{field} {what} (byte offset {offset})");
}
