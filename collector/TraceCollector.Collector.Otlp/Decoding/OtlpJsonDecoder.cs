using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TraceCollector.Collector.Otlp.Mapping;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Decoding;

/// <summary>
/// Decodes OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: ids as hex, enums as numbers
/// or names, 64-bit integers as strings or numbers) straight into Zipkin spans with Utf8JsonReader.
/// Field names are accepted in lowerCamelCase and in their proto snake_case form. Throws only
/// <see cref="SpanFormatException"/>.
/// </summary>
public static class OtlpJsonDecoder
{
    private const int MaxNesting = 64;

    public static OtlpBatch Decode(ReadOnlySpan<byte> json)
    {
        var state = new OtlpDecodeState();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxNesting * 2 + 16 });
        try
        {
            Read(ref reader);
            ExpectStart(ref reader, JsonTokenType.StartObject, "ExportTraceServiceRequest");
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "resourceSpans"u8, "resource_spans"u8)) ForEachInArray(ref reader, state, ReadResourceSpans);
                else SkipValue(ref reader);
            }
            if (reader.Read()) throw Error(ref reader, "unexpected data after the request object");
        }
        catch (JsonException e)
        {
            throw new SpanFormatException($"Malformed OTLP JSON at byte {reader.BytesConsumed}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new SpanFormatException($"Malformed OTLP JSON at byte {reader.BytesConsumed}: {e.Message}", e);
        }
        return state.ToBatch();
    }

    private delegate void ElementReader(ref Utf8JsonReader reader, OtlpDecodeState state);

    private static void ForEachInArray(ref Utf8JsonReader reader, OtlpDecodeState state, ElementReader read)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartArray, "array");
        while (Read(ref reader) != JsonTokenType.EndArray) read(ref reader, state);
    }

    private static void ReadResourceSpans(ref Utf8JsonReader reader, OtlpDecodeState state)
    {
        ExpectStart(ref reader, JsonTokenType.StartObject, "resourceSpans element");
        state.Origin.ClearResource();
        // The resource may come after its spans; a copy of the reader finds it first.
        var ahead = reader;
        while (NextProperty(ref ahead))
        {
            if (Is(ref ahead, "resource"u8, "resource"u8)) ReadResource(ref ahead, state.Origin);
            else SkipValue(ref ahead);
        }
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "scopeSpans"u8, "scope_spans"u8) || Is(ref reader, "instrumentationLibrarySpans"u8, "instrumentation_library_spans"u8))
            {
                ForEachInArray(ref reader, state, ReadScopeSpans);
            }
            else SkipValue(ref reader);
        }
    }

    private static void ReadResource(ref Utf8JsonReader reader, OtlpOrigin origin)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartObject, "resource");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "attributes"u8, "attributes"u8))
            {
                ReadAttributes(ref reader, origin.ResourceAttributes);
                for (int i = origin.ResourceAttributes.Count - 1; i >= 0; i--)
                {
                    if (origin.ResourceAttributes[i].Key != "service.name") continue;
                    origin.ServiceName = origin.ResourceAttributes[i].Value;
                    origin.ResourceAttributes.RemoveAt(i);
                }
            }
            else SkipValue(ref reader);
        }
    }

    private static void ReadScopeSpans(ref Utf8JsonReader reader, OtlpDecodeState state)
    {
        ExpectStart(ref reader, JsonTokenType.StartObject, "scopeSpans element");
        state.Origin.ClearScope();
        var ahead = reader;
        while (NextProperty(ref ahead))
        {
            if (Is(ref ahead, "scope"u8, "scope"u8) || Is(ref ahead, "instrumentationLibrary"u8, "instrumentation_library"u8)) ReadScope(ref ahead, state.Origin);
            else SkipValue(ref ahead);
        }
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "spans"u8, "spans"u8)) ForEachInArray(ref reader, state, ReadAndMapSpan);
            else SkipValue(ref reader);
        }
    }

    private static void ReadScope(ref Utf8JsonReader reader, OtlpOrigin origin)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartObject, "scope");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "name"u8, "name"u8)) origin.ScopeName = ReadString(ref reader);
            else if (Is(ref reader, "version"u8, "version"u8)) origin.ScopeVersion = ReadString(ref reader);
            else SkipValue(ref reader);
        }
    }

    private static void ReadAndMapSpan(ref Utf8JsonReader reader, OtlpDecodeState state)
    {
        var span = state.Fields;
        span.Clear();
        ExpectStart(ref reader, JsonTokenType.StartObject, "span");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "traceId"u8, "trace_id"u8)) ReadTraceId(ref reader, span);
            else if (Is(ref reader, "spanId"u8, "span_id"u8)) span.SpanId = ReadSpanId(ref reader, span, allowEmpty: false);
            else if (Is(ref reader, "parentSpanId"u8, "parent_span_id"u8)) span.ParentSpanId = ReadSpanId(ref reader, span, allowEmpty: true);
            else if (Is(ref reader, "name"u8, "name"u8)) span.Name = ReadString(ref reader);
            else if (Is(ref reader, "kind"u8, "kind"u8)) span.Kind = ReadEnum(ref reader, SpanKindByName, "kind");
            else if (Is(ref reader, "startTimeUnixNano"u8, "start_time_unix_nano"u8)) span.StartTimeUnixNano = ReadUInt64(ref reader, "startTimeUnixNano");
            else if (Is(ref reader, "endTimeUnixNano"u8, "end_time_unix_nano"u8)) span.EndTimeUnixNano = ReadUInt64(ref reader, "endTimeUnixNano");
            else if (Is(ref reader, "attributes"u8, "attributes"u8)) ReadAttributes(ref reader, span.Attributes);
            else if (Is(ref reader, "droppedAttributesCount"u8, "dropped_attributes_count"u8)) span.DroppedAttributesCount = (uint)ReadUInt64(ref reader, "droppedAttributesCount");
            else if (Is(ref reader, "events"u8, "events"u8)) ReadEvents(ref reader, span);
            else if (Is(ref reader, "droppedEventsCount"u8, "dropped_events_count"u8)) span.DroppedEventsCount = (uint)ReadUInt64(ref reader, "droppedEventsCount");
            else if (Is(ref reader, "droppedLinksCount"u8, "dropped_links_count"u8)) span.DroppedLinksCount = (uint)ReadUInt64(ref reader, "droppedLinksCount");
            else if (Is(ref reader, "status"u8, "status"u8)) ReadStatus(ref reader, span);
            else SkipValue(ref reader);
        }
        state.MapCurrentSpan();
    }

    private static void ReadTraceId(ref Utf8JsonReader reader, OtlpSpanFields span)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        var hex = StringBytes(ref reader, "traceId");
        if (hex.Length == 32 && HexId.TryParseTraceId(hex, out var id))
        {
            span.TraceIdHigh = id.High;
            span.TraceIdLow = id.Low;
        }
        // 32 zeros is well formed but invalid: the mapper rejects it for being all zeros.
        else if (!(hex.Length == 32 && IsZeros(hex))) span.IdsWellFormed = false;
    }

    private static ulong ReadSpanId(ref Utf8JsonReader reader, OtlpSpanFields span, bool allowEmpty)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return 0;
        var hex = StringBytes(ref reader, "spanId");
        if (hex.Length == 0 && allowEmpty) return 0;
        if (hex.Length != 16 || !HexId.TryParseSpanId(hex, out ulong id))
        {
            span.IdsWellFormed = false;
            return 0;
        }
        return id;
    }

    private static bool IsZeros(ReadOnlySpan<byte> hex)
    {
        foreach (byte b in hex) if (b != (byte)'0') return false;
        return true;
    }

    private static void ReadEvents(ref Utf8JsonReader reader, OtlpSpanFields span)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartArray, "events");
        List<KeyValuePair<string, string>>? attributes = null;
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            ExpectStart(ref reader, JsonTokenType.StartObject, "event");
            ulong time = 0;
            string name = "";
            attributes?.Clear();
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "timeUnixNano"u8, "time_unix_nano"u8)) time = ReadUInt64(ref reader, "timeUnixNano");
                else if (Is(ref reader, "name"u8, "name"u8)) name = ReadString(ref reader) ?? "";
                else if (Is(ref reader, "attributes"u8, "attributes"u8)) ReadAttributes(ref reader, attributes ??= new());
                else SkipValue(ref reader);
            }
            string? json = OtlpDecodeState.EventAttributesJson(attributes);
            span.Events.Add(new OtlpEvent(time, name, json));
        }
    }

    private static void ReadStatus(ref Utf8JsonReader reader, OtlpSpanFields span)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartObject, "status");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "code"u8, "code"u8)) span.StatusCode = ReadEnum(ref reader, StatusCodeByName, "status.code");
            else if (Is(ref reader, "message"u8, "message"u8)) span.StatusMessage = ReadString(ref reader);
            else SkipValue(ref reader);
        }
    }

    private static void ReadAttributes(ref Utf8JsonReader reader, List<KeyValuePair<string, string>> into)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartArray, "attributes");
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            ExpectStart(ref reader, JsonTokenType.StartObject, "attribute");
            string key = "", value = "";
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "key"u8, "key"u8)) key = ReadString(ref reader) ?? "";
                else if (Is(ref reader, "value"u8, "value"u8))
                {
                    Read(ref reader);
                    value = reader.TokenType == JsonTokenType.Null ? "" : RenderAnyValue(ref reader);
                }
                else SkipValue(ref reader);
            }
            into.Add(new(key, value));
        }
    }

    /// <summary>Renders the AnyValue object the reader is on as a tag string.</summary>
    private static string RenderAnyValue(ref Utf8JsonReader reader)
    {
        ExpectStart(ref reader, JsonTokenType.StartObject, "attribute value");
        string result = "";
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "stringValue"u8, "string_value"u8)) result = ReadString(ref reader) ?? "";
            else if (Is(ref reader, "boolValue"u8, "bool_value"u8)) result = AttributeFormatter.Bool(ReadBool(ref reader));
            else if (Is(ref reader, "intValue"u8, "int_value"u8)) result = AttributeFormatter.Int(ReadInt64(ref reader, "intValue"));
            else if (Is(ref reader, "doubleValue"u8, "double_value"u8)) result = AttributeFormatter.Double(ReadDouble(ref reader));
            else if (Is(ref reader, "bytesValue"u8, "bytes_value"u8)) result = ReadString(ref reader) ?? "";
            else if (Is(ref reader, "arrayValue"u8, "array_value"u8) || Is(ref reader, "kvlistValue"u8, "kvlist_value"u8))
            {
                bool isArray = Is(ref reader, "arrayValue"u8, "array_value"u8);
                var buffer = new ArrayBufferWriter<byte>(128);
                using (var writer = new Utf8JsonWriter(buffer, AttributeFormatter.WriterOptions))
                {
                    Read(ref reader);
                    if (isArray) WriteArrayValue(ref reader, writer, 1);
                    else WriteKvListValue(ref reader, writer, 1);
                }
                result = Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
            else SkipValue(ref reader);
        }
        return result;
    }

    private static void WriteAnyValueJson(ref Utf8JsonReader reader, Utf8JsonWriter writer, int depth)
    {
        if (depth > MaxNesting) throw Error(ref reader, $"attribute values nested deeper than {MaxNesting}");
        if (reader.TokenType == JsonTokenType.Null)
        {
            writer.WriteNullValue();
            return;
        }
        ExpectStart(ref reader, JsonTokenType.StartObject, "attribute value");
        bool wrote = false;
        while (NextProperty(ref reader))
        {
            if (wrote)
            {
                SkipValue(ref reader);
                continue;
            }
            wrote = true;
            if (Is(ref reader, "stringValue"u8, "string_value"u8)) writer.WriteStringValue(ReadString(ref reader) ?? "");
            else if (Is(ref reader, "boolValue"u8, "bool_value"u8)) writer.WriteBooleanValue(ReadBool(ref reader));
            else if (Is(ref reader, "intValue"u8, "int_value"u8)) writer.WriteNumberValue(ReadInt64(ref reader, "intValue"));
            else if (Is(ref reader, "doubleValue"u8, "double_value"u8)) AttributeFormatter.WriteDouble(writer, ReadDouble(ref reader));
            else if (Is(ref reader, "bytesValue"u8, "bytes_value"u8)) writer.WriteStringValue(ReadString(ref reader) ?? "");
            else if (Is(ref reader, "arrayValue"u8, "array_value"u8))
            {
                Read(ref reader);
                WriteArrayValue(ref reader, writer, depth + 1);
            }
            else if (Is(ref reader, "kvlistValue"u8, "kvlist_value"u8))
            {
                Read(ref reader);
                WriteKvListValue(ref reader, writer, depth + 1);
            }
            else
            {
                SkipValue(ref reader);
                wrote = false;
            }
        }
        if (!wrote) writer.WriteNullValue();
    }

    private delegate void ValueWriter(ref Utf8JsonReader reader, Utf8JsonWriter writer, int depth);

    // ArrayValue: {"values":[AnyValue...]}
    private static void WriteArrayValue(ref Utf8JsonReader reader, Utf8JsonWriter writer, int depth)
    {
        writer.WriteStartArray();
        ForEachValue(ref reader, "arrayValue", writer, depth, WriteAnyValueJson);
        writer.WriteEndArray();
    }

    // KeyValueList: {"values":[{"key":..,"value":AnyValue}...]}
    private static void WriteKvListValue(ref Utf8JsonReader reader, Utf8JsonWriter writer, int depth)
    {
        writer.WriteStartObject();
        ForEachValue(ref reader, "kvlistValue", writer, depth, WriteKeyValueJson);
        writer.WriteEndObject();
    }

    /// <summary>Both wrappers are {"values":[...]}: calls <paramref name="each"/> on every element of "values".</summary>
    private static void ForEachValue(ref Utf8JsonReader reader, string what, Utf8JsonWriter writer, int depth, ValueWriter each)
    {
        if (reader.TokenType == JsonTokenType.Null) return;
        ExpectStart(ref reader, JsonTokenType.StartObject, what);
        while (NextProperty(ref reader))
        {
            if (!Is(ref reader, "values"u8, "values"u8))
            {
                SkipValue(ref reader);
                continue;
            }
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null) continue;
            ExpectStart(ref reader, JsonTokenType.StartArray, what + ".values");
            while (Read(ref reader) != JsonTokenType.EndArray) each(ref reader, writer, depth);
        }
    }

    private static void WriteKeyValueJson(ref Utf8JsonReader reader, Utf8JsonWriter writer, int depth)
    {
        ExpectStart(ref reader, JsonTokenType.StartObject, "kvlistValue entry");
        // The key may follow the value, so the value is read from a copy after the key is known.
        string key = "";
        bool hasValue = false;
        Utf8JsonReader valueReader = default;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "key"u8, "key"u8)) key = ReadString(ref reader) ?? "";
            else if (Is(ref reader, "value"u8, "value"u8))
            {
                valueReader = reader;
                hasValue = true;
                SkipValue(ref reader);
            }
            else SkipValue(ref reader);
        }
        writer.WritePropertyName(key);
        if (hasValue)
        {
            Read(ref valueReader);
            WriteAnyValueJson(ref valueReader, writer, depth);
        }
        else writer.WriteNullValue();
    }

    private static readonly Dictionary<string, int> SpanKindByName = new(StringComparer.Ordinal)
    {
        ["SPAN_KIND_UNSPECIFIED"] = 0, ["SPAN_KIND_INTERNAL"] = 1, ["SPAN_KIND_SERVER"] = 2,
        ["SPAN_KIND_CLIENT"] = 3, ["SPAN_KIND_PRODUCER"] = 4, ["SPAN_KIND_CONSUMER"] = 5,
    };

    private static readonly Dictionary<string, int> StatusCodeByName = new(StringComparer.Ordinal)
    {
        ["STATUS_CODE_UNSET"] = 0, ["STATUS_CODE_OK"] = 1, ["STATUS_CODE_ERROR"] = 2,
    };

    private static int ReadEnum(ref Utf8JsonReader reader, Dictionary<string, int> byName, string field)
    {
        Read(ref reader);
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt32(out int n): return n;
            case JsonTokenType.String:
                string name = reader.GetString()!;
                if (byName.TryGetValue(name, out int value)) return value;
                if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return value;
                throw Error(ref reader, $"{field} has unknown value \"{name}\"");
            case JsonTokenType.Null: return 0;
            default: throw Error(ref reader, $"{field} should be a number or an enum name");
        }
    }

    private static ulong ReadUInt64(ref Utf8JsonReader reader, string field) =>
        ReadInteger(ref reader, field, unsigned: true, out ulong value, out _) ? value : 0;

    private static long ReadInt64(ref Utf8JsonReader reader, string field) =>
        ReadInteger(ref reader, field, unsigned: false, out _, out long value) ? value : throw Error(ref reader, $"{field} should be an integer");

    // 64-bit integers come as numbers or, per the protobuf JSON mapping, as decimal strings; null is "absent".
    private static bool ReadInteger(ref Utf8JsonReader reader, string field, bool unsigned, out ulong asUnsigned, out long asSigned)
    {
        asUnsigned = 0;
        asSigned = 0;
        Read(ref reader);
        string kind = unsigned ? "an unsigned integer" : "an integer";
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when unsigned ? reader.TryGetUInt64(out asUnsigned) : reader.TryGetInt64(out asSigned): return true;
            case JsonTokenType.String:
            {
                var text = StringBytes(ref reader, field);
                bool ok = unsigned
                    ? Utf8Parser.TryParse(text, out asUnsigned, out int used) && used == text.Length
                    : Utf8Parser.TryParse(text, out asSigned, out used) && used == text.Length;
                if (ok) return true;
                throw Error(ref reader, $"{field} should be {kind}, got \"{Encoding.UTF8.GetString(text)}\"");
            }
            case JsonTokenType.Null: return false;
            default: throw Error(ref reader, $"{field} should be {kind}");
        }
    }

    private static double ReadDouble(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        if (reader.TokenType == JsonTokenType.String)
        {
            string text = reader.GetString()!;
            return text switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Error(ref reader, $"doubleValue \"{text}\" is not a number"),
            };
        }
        throw Error(ref reader, "doubleValue should be a number");
    }

    private static bool ReadBool(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw Error(ref reader, "boolValue should be true or false"),
        };
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw Error(ref reader, $"expected a string, got {reader.TokenType}"),
        };
    }

    // Ids and numbers never hold escapes in practice; an escaped one is unescaped rather than refused.
    private static ReadOnlySpan<byte> StringBytes(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.String) throw Error(ref reader, $"{field} should be a string");
        if (!reader.ValueIsEscaped && !reader.HasValueSequence) return reader.ValueSpan;
        return Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw Error(ref reader, "unexpected end of data");
        return reader.TokenType;
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        var token = Read(ref reader);
        if (token == JsonTokenType.EndObject) return false;
        if (token != JsonTokenType.PropertyName) throw Error(ref reader, $"expected a property name, got {token}");
        return true;
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> camel, ReadOnlySpan<byte> snake) =>
        reader.ValueTextEquals(camel) || (snake != camel && reader.ValueTextEquals(snake));

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        reader.Skip();
    }

    private static void ExpectStart(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw Error(ref reader, $"{what} should be {(expected == JsonTokenType.StartObject ? "an object" : "an array")}, got {reader.TokenType}");
        }
    }

    private static SpanFormatException Error(ref Utf8JsonReader reader, string what) =>
        new($"Malformed OTLP JSON at byte {reader.TokenStartIndex}: {what}");
}
