using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Reads a JSON v1 list (annotations with endpoints, binaryAnnotations) as Zipkin's V1JsonSpanReader
/// does, and converts each span to v2 with <see cref="V1SpanConverter"/>.
/// </summary>
internal static class JsonV1SpanReader
{
    public static List<Span> ReadList(ReadOnlySpan<byte> json, DecodeContext context)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var where = new JsonLocation { ItemIndex = -1 };
        var spans = new List<Span>(Math.Min(json.Length / 256 + 1, 4096));
        V1Span v1 = context.V1Span;
        V1SpanConverter converter = context.V1Converter;
        try
        {
            if (!reader.Read()) throw new SpanFormatException("Empty body: expected a JSON array of spans");
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new SpanFormatException($"Expected a JSON array of spans but the body starts with {reader.TokenType} (byte offset 0)");
            }
            for (int index = 0; ; index++)
            {
                if (!reader.Read()) throw where.Error("Truncated list", reader);
                if (reader.TokenType == JsonTokenType.EndArray) break;
                where.SpanIndex = index;
                where.At(null);
                if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("a span object", reader);
                ReadSpan(json, ref reader, context, v1.Clear(), ref where);
                where.At(null);
                if (v1.Validate() is { } problem) throw where.Error(problem, reader);
                try
                {
                    converter.Convert(v1, spans);
                }
                catch (SpanValidationException e)
                {
                    throw where.Error(e.Message, reader, e);
                }
            }
            if (reader.Read()) throw new SpanFormatException($"Unexpected data after the list (byte offset {reader.TokenStartIndex})");
            return spans;
        }
        catch (JsonException e)
        {
            throw new SpanFormatException($"Malformed JSON near byte offset {reader.BytesConsumed} ({where}): {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new SpanFormatException($"Unreadable JSON text near byte offset {reader.BytesConsumed} ({where}): {e.Message}", e);
        }
    }

    private static void ReadSpan(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, DecodeContext context, V1Span span, ref JsonLocation where)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = FieldOf(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue;
            where.At(field);
            switch (field)
            {
                case "traceId":
                    span.TraceId = JsonValues.ReadTraceId(ref reader, where);
                    break;
                case "id":
                    span.Id = JsonValues.ReadSpanId(ref reader, where);
                    break;
                case "parentId":
                    span.ParentId = JsonValues.ReadSpanId(ref reader, where);
                    break;
                case "name":
                    if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string", reader);
                    string name = JsonValues.ReadString(ref reader, context.Names);
                    span.Name = name.Length == 0 ? null : name;
                    break;
                case "timestamp":
                    span.Timestamp = JsonValues.ReadInt64(ref reader, where);
                    break;
                case "duration":
                    span.Duration = JsonValues.ReadInt64(ref reader, where);
                    break;
                case "debug":
                    if (JsonValues.ReadBoolean(ref reader, where)) span.Debug = true;
                    break;
                case "annotations":
                    ReadAnnotations(json, ref reader, context, span, ref where);
                    break;
                case "binaryAnnotations":
                    ReadBinaryAnnotations(json, ref reader, context, span, ref where);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private static void ReadAnnotations(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, DecodeContext context, V1Span span, ref JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw where.Expected("an array of annotations", reader);
        for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            where.ItemIndex = index;
            if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("an annotation object", reader);
            long? timestamp = null;
            string? value = null;
            Endpoint? endpoint = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string field = FieldOf(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (field)
                {
                    case "timestamp":
                        timestamp = JsonValues.ReadInt64(ref reader, where);
                        break;
                    case "value":
                        if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string annotation value", reader);
                        value = JsonValues.ReadString(ref reader, context.Strings);
                        break;
                    case "endpoint":
                        endpoint = JsonV2SpanReader.ReadEndpoint(json, ref reader, context, where);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (timestamp is null || value is null) throw where.Error("Incomplete annotation: timestamp and value are required", reader);
            span.Annotations.Add(new V1Annotation(timestamp.Value, value, endpoint));
        }
        where.ItemIndex = -1;
    }

    private static void ReadBinaryAnnotations(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, DecodeContext context, V1Span span, ref JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw where.Expected("an array of binary annotations", reader);
        for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            where.ItemIndex = index;
            if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("a binary annotation object", reader);
            string? key = null, stringValue = null;
            bool? booleanValue = null;
            Endpoint? endpoint = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string field = FieldOf(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (field)
                {
                    case "key":
                        if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string key", reader);
                        key = JsonValues.ReadString(ref reader, context.Strings);
                        break;
                    case "value":
                        // Zipkin keeps string and boolean values; numbers and other types are dropped, not rejected.
                        if (reader.TokenType == JsonTokenType.String) stringValue = JsonValues.ReadString(ref reader, context.Strings);
                        else if (reader.TokenType is JsonTokenType.True or JsonTokenType.False) booleanValue = reader.TokenType == JsonTokenType.True;
                        else reader.Skip();
                        break;
                    case "endpoint":
                        endpoint = JsonV2SpanReader.ReadEndpoint(json, ref reader, context, where);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (key is null) throw where.Error("No key in binary annotation", reader);
            if (key is "ca" or "sa" or "ma" && endpoint is not null && (booleanValue == true || stringValue is "1" or "true"))
            {
                // An address. Besides Zipkin's boolean true, py_zipkin's "1" (its thrift BOOL byte rendered as text) counts.
                span.AddAddress(key, endpoint);
            }
            else if (stringValue is not null) span.BinaryAnnotations.Add(new V1BinaryAnnotation(key, stringValue, endpoint));
        }
        where.ItemIndex = -1;
    }

    private static string FieldOf(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> name = reader.ValueSpan;
        if (reader.ValueIsEscaped) return reader.GetString()!;
        return name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => "id",
            3 when name.SequenceEqual("key"u8) => "key",
            4 when name.SequenceEqual("name"u8) => "name",
            5 when name.SequenceEqual("debug"u8) => "debug",
            5 when name.SequenceEqual("value"u8) => "value",
            7 when name.SequenceEqual("traceId"u8) => "traceId",
            8 when name.SequenceEqual("parentId"u8) => "parentId",
            8 when name.SequenceEqual("duration"u8) => "duration",
            8 when name.SequenceEqual("endpoint"u8) => "endpoint",
            9 when name.SequenceEqual("timestamp"u8) => "timestamp",
            11 when name.SequenceEqual("annotations"u8) => "annotations",
            17 when name.SequenceEqual("binaryAnnotations"u8) => "binaryAnnotations",
            _ => "",
        };
    }
}
