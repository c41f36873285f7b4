using System.Buffers.Binary;
using System.Text.Json;
using TraceCollector.Collector.Otlp.Mapping;
using TraceCollector.Model;
using static TraceCollector.Collector.Otlp.Decoding.ProtoWireReader;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>
/// Decodes an OTLP ExportTraceServiceRequest (protobuf) straight into Zipkin spans, without an
/// intermediate object graph: each span's fields are read into one reused buffer and mapped.
/// Throws only <see cref="SpanFormatException"/>.
/// </summary>
public static class OtlpProtobufDecoder
{
    public static OtlpBatch Decode(ReadOnlySpan<byte> request)
    {
        var state = new OtlpDecodeState();
        var reader = new ProtoWireReader(request);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            if (field == 1)
            {
                reader.Expect(wire, LengthDelimited, field, "ExportTraceServiceRequest");
                var bytes = reader.ReadBytes(out int at);
                ReadResourceSpans(bytes, at, state);
            }
            else reader.Skip(wire);
        }
        return state.ToBatch();
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> message, int baseOffset, OtlpDecodeState state)
    {
        state.Origin.ClearResource();
        // The resource may follow its spans on the wire, so it is read in a first pass.
        var first = new ProtoWireReader(message, baseOffset);
        while (first.HasMore)
        {
            int field = first.ReadTag(out int wire);
            if (field == 1 && wire == LengthDelimited)
            {
                var bytes = first.ReadBytes(out int at);
                ReadResource(bytes, at, state.Origin);
            }
            else first.Skip(wire);
        }
        var second = new ProtoWireReader(message, baseOffset);
        while (second.HasMore)
        {
            int field = second.ReadTag(out int wire);
            // 1000 is the deprecated instrumentation_library_spans, laid out as ScopeSpans.
            if ((field == 2 || field == 1000) && wire == LengthDelimited)
            {
                var bytes = second.ReadBytes(out int at);
                ReadScopeSpans(bytes, at, state);
            }
            else second.Skip(wire);
        }
    }

    private static void ReadResource(ReadOnlySpan<byte> message, int baseOffset, OtlpOrigin origin)
    {
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            if (field == 1 && wire == LengthDelimited)
            {
                var bytes = reader.ReadBytes(out int at);
                var (key, value) = ReadKeyValue(bytes, at);
                if (key == "service.name") origin.ServiceName = value;
                else origin.ResourceAttributes.Add(new(key, value));
            }
            else reader.Skip(wire);
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> message, int baseOffset, OtlpDecodeState state)
    {
        state.Origin.ClearScope();
        var first = new ProtoWireReader(message, baseOffset);
        while (first.HasMore)
        {
            int field = first.ReadTag(out int wire);
            if (field == 1 && wire == LengthDelimited)
            {
                var bytes = first.ReadBytes(out int at);
                ReadScope(bytes, at, state.Origin);
            }
            else first.Skip(wire);
        }
        var second = new ProtoWireReader(message, baseOffset);
        while (second.HasMore)
        {
            int field = second.ReadTag(out int wire);
            if (field == 2 && wire == LengthDelimited)
            {
                var bytes = second.ReadBytes(out int at);
                state.Fields.Clear();
                ReadSpan(bytes, at, state.Fields);
                state.MapCurrentSpan();
            }
            else second.Skip(wire);
        }
    }

    private static void ReadScope(ReadOnlySpan<byte> message, int baseOffset, OtlpOrigin origin)
    {
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            switch (field)
            {
                case 1 when wire == LengthDelimited: origin.ScopeName = reader.ReadString(); break;
                case 2 when wire == LengthDelimited: origin.ScopeVersion = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static void ReadSpan(ReadOnlySpan<byte> message, int baseOffset, OtlpSpanFields span)
    {
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            switch (field)
            {
                case 1: reader.Expect(wire, LengthDelimited, field, "Span"); ReadTraceId(reader.ReadBytes(), span); break;
                case 2: reader.Expect(wire, LengthDelimited, field, "Span"); span.SpanId = ReadSpanId(reader.ReadBytes(), span, allowEmpty: false); break;
                case 4: reader.Expect(wire, LengthDelimited, field, "Span"); span.ParentSpanId = ReadSpanId(reader.ReadBytes(), span, allowEmpty: true); break;
                case 5: reader.Expect(wire, LengthDelimited, field, "Span"); span.Name = reader.ReadString(); break;
                case 6: reader.Expect(wire, Varint, field, "Span"); span.Kind = (int)reader.ReadVarint(); break;
                case 7: reader.Expect(wire, ProtoWireReader.Fixed64, field, "Span"); span.StartTimeUnixNano = reader.ReadFixed64(); break;
                case 8: reader.Expect(wire, ProtoWireReader.Fixed64, field, "Span"); span.EndTimeUnixNano = reader.ReadFixed64(); break;
                case 9:
                {
                    reader.Expect(wire, LengthDelimited, field, "Span");
                    var bytes = reader.ReadBytes(out int at);
                    var (key, value) = ReadKeyValue(bytes, at);
                    span.Attributes.Add(new(key, value));
                    break;
                }
                case 10: reader.Expect(wire, Varint, field, "Span"); span.DroppedAttributesCount = (uint)reader.ReadVarint(); break;
                case 11:
                {
                    reader.Expect(wire, LengthDelimited, field, "Span");
                    var bytes = reader.ReadBytes(out int at);
                    span.Events.Add(ReadEvent(bytes, at));
                    break;
                }
                case 12: reader.Expect(wire, Varint, field, "Span"); span.DroppedEventsCount = (uint)reader.ReadVarint(); break;
                case 14: reader.Expect(wire, Varint, field, "Span"); span.DroppedLinksCount = (uint)reader.ReadVarint(); break;
                case 15:
                {
                    reader.Expect(wire, LengthDelimited, field, "Span");
                    var bytes = reader.ReadBytes(out int at);
                    ReadStatus(bytes, at, span);
                    break;
                }
                default: reader.Skip(wire); break; // trace_state, links, flags: Zipkin has no place for them
            }
        }
    }

    private static void ReadTraceId(ReadOnlySpan<byte> bytes, OtlpSpanFields span)
    {
        if (bytes.Length != 16)
        {
            span.IdsWellFormed = false;
            return;
        }
        span.TraceIdHigh = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        span.TraceIdLow = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    private static ulong ReadSpanId(ReadOnlySpan<byte> bytes, OtlpSpanFields span, bool allowEmpty)
    {
        if (bytes.Length == 8) return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        if (!(allowEmpty && bytes.Length == 0)) span.IdsWellFormed = false;
        return 0;
    }

    private static OtlpEvent ReadEvent(ReadOnlySpan<byte> message, int baseOffset)
    {
        ulong time = 0;
        string name = "";
        List<KeyValuePair<string, string>>? attributes = null;
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            switch (field)
            {
                case 1: reader.Expect(wire, ProtoWireReader.Fixed64, field, "Event"); time = reader.ReadFixed64(); break;
                case 2: reader.Expect(wire, LengthDelimited, field, "Event"); name = reader.ReadString(); break;
                case 3:
                {
                    reader.Expect(wire, LengthDelimited, field, "Event");
                    var bytes = reader.ReadBytes(out int at);
                    var (key, value) = ReadKeyValue(bytes, at);
                    (attributes ??= new()).Add(new(key, value));
                    break;
                }
                default: reader.Skip(wire); break;
            }
        }
        string? json = OtlpDecodeState.EventAttributesJson(attributes);
        return new OtlpEvent(time, name, json);
    }

    private static void ReadStatus(ReadOnlySpan<byte> message, int baseOffset, OtlpSpanFields span)
    {
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            switch (field)
            {
                case 2 when wire == LengthDelimited: span.StatusMessage = reader.ReadString(); break;
                case 3 when wire == Varint: span.StatusCode = (int)reader.ReadVarint(); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static (string Key, string Value) ReadKeyValue(ReadOnlySpan<byte> message, int baseOffset)
    {
        string key = "", value = "";
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            if (field == 1 && wire == LengthDelimited) key = reader.ReadString();
            else if (field == 2 && wire == LengthDelimited)
            {
                var bytes = reader.ReadBytes(out int at);
                value = RenderAnyValue(bytes, at);
            }
            else reader.Skip(wire);
        }
        return (key, value);
    }

    /// <summary>An attribute value as a tag string: primitives as text, arrays and maps as JSON.</summary>
    private static string RenderAnyValue(ReadOnlySpan<byte> message, int baseOffset)
    {
        var reader = new ProtoWireReader(message, baseOffset);
        string result = "";
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            switch (field)
            {
                case 1 when wire == LengthDelimited: result = reader.ReadString(); break;
                case 2 when wire == Varint: result = AttributeFormatter.Bool(reader.ReadVarint() != 0); break;
                case 3 when wire == Varint: result = AttributeFormatter.Int((long)reader.ReadVarint()); break;
                case 4 when wire == ProtoWireReader.Fixed64: result = AttributeFormatter.Double(BitConverter.UInt64BitsToDouble(reader.ReadFixed64())); break;
                case 5 or 6 when wire == LengthDelimited:
                    reader.ReadBytes();
                    // Arrays and maps become JSON, which needs a writer over the whole value.
                    result = RenderAsJson(message, baseOffset);
                    break;
                case 7 when wire == LengthDelimited: result = AttributeFormatter.Bytes(reader.ReadBytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        return result;
    }

    private static string RenderAsJson(ReadOnlySpan<byte> anyValue, int baseOffset)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, AttributeFormatter.WriterOptions)) WriteAnyValueJson(writer, anyValue, baseOffset, depth: 0);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private const int MaxNesting = 64;

    private static void WriteAnyValueJson(Utf8JsonWriter writer, ReadOnlySpan<byte> message, int baseOffset, int depth)
    {
        if (depth > MaxNesting) throw Error(baseOffset, $"attribute values nested deeper than {MaxNesting}");
        var reader = new ProtoWireReader(message, baseOffset);
        bool wrote = false;
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            if (wrote)
            {
                reader.Skip(wire); // a oneof: the first value set is the value
                continue;
            }
            wrote = true;
            switch (field)
            {
                case 1 when wire == LengthDelimited: writer.WriteStringValue(reader.ReadString()); break;
                case 2 when wire == Varint: writer.WriteBooleanValue(reader.ReadVarint() != 0); break;
                case 3 when wire == Varint: writer.WriteNumberValue((long)reader.ReadVarint()); break;
                case 4 when wire == ProtoWireReader.Fixed64: AttributeFormatter.WriteDouble(writer, BitConverter.UInt64BitsToDouble(reader.ReadFixed64())); break;
                case 5 when wire == LengthDelimited:
                {
                    var array = reader.ReadBytes(out int at);
                    writer.WriteStartArray();
                    var items = new ProtoWireReader(array, at);
                    while (items.HasMore)
                    {
                        int f = items.ReadTag(out int w);
                        if (f == 1 && w == LengthDelimited)
                        {
                            var item = items.ReadBytes(out int itemAt);
                            WriteAnyValueJson(writer, item, itemAt, depth + 1);
                        }
                        else items.Skip(w);
                    }
                    writer.WriteEndArray();
                    break;
                }
                case 6 when wire == LengthDelimited:
                {
                    var list = reader.ReadBytes(out int at);
                    writer.WriteStartObject();
                    var entries = new ProtoWireReader(list, at);
                    while (entries.HasMore)
                    {
                        int f = entries.ReadTag(out int w);
                        if (f == 1 && w == LengthDelimited)
                        {
                            var entry = entries.ReadBytes(out int entryAt);
                            WriteKeyValueJson(writer, entry, entryAt, depth + 1);
                        }
                        else entries.Skip(w);
                    }
                    writer.WriteEndObject();
                    break;
                }
                case 7 when wire == LengthDelimited: writer.WriteStringValue(AttributeFormatter.Bytes(reader.ReadBytes())); break;
                default:
                    reader.Skip(wire);
                    wrote = false;
                    break;
            }
        }
        if (!wrote) writer.WriteNullValue();
    }

    private static void WriteKeyValueJson(Utf8JsonWriter writer, ReadOnlySpan<byte> message, int baseOffset, int depth)
    {
        string key = "";
        ReadOnlySpan<byte> value = default;
        int valueAt = baseOffset;
        var reader = new ProtoWireReader(message, baseOffset);
        while (reader.HasMore)
        {
            int field = reader.ReadTag(out int wire);
            if (field == 1 && wire == LengthDelimited) key = reader.ReadString();
            else if (field == 2 && wire == LengthDelimited) value = reader.ReadBytes(out valueAt);
            else reader.Skip(wire);
        }
        writer.WritePropertyName(key);
        WriteAnyValueJson(writer, value, valueAt, depth);
    }
}
