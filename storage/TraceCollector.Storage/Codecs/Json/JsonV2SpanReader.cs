using System.Text.Json;
using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Reads a JSON v2 list of spans (zipkin2-api.yaml) with Zipkin's leniency: unknown fields skipped,
/// explicit nulls ignored, numbers may be quoted, numeric tag values read as their text. Tokens go
/// straight into the context's builder; nothing is materialised as a DOM.
/// </summary>
internal static class JsonV2SpanReader
{
    public static List<Span> ReadList(ReadOnlySpan<byte> json, DecodeContext context)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var where = new JsonLocation { ItemIndex = -1 };
        var spans = new List<Span>(Math.Min(json.Length / 256 + 1, 4096));
        try
        {
            if (!reader.Read()) throw new SpanFormatException("Empty body: expected a JSON array of spans");
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new SpanFormatException($"Expected a JSON array of spans but the body starts with {reader.TokenType} (byte offset 0)");
            }
            while (true)
            {
                if (!reader.Read()) throw where.Error("Truncated list", reader);
                if (reader.TokenType == JsonTokenType.EndArray) break;
                where.SpanIndex = spans.Count;
                where.At(null);
                if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("a span object", reader);
                spans.Add(ReadSpan(json, ref reader, context, ref where));
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

    private static Span ReadSpan(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, DecodeContext context, ref JsonLocation where)
    {
        SpanBuilder builder = context.Builder.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            SpanField field = SpanFieldOf(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue;
            switch (field)
            {
                case SpanField.TraceId:
                    where.At("traceId");
                    builder.TraceId = JsonValues.ReadTraceId(ref reader, where);
                    break;
                case SpanField.ParentId:
                    where.At("parentId");
                    builder.ParentId = JsonValues.ReadSpanId(ref reader, where);
                    break;
                case SpanField.Id:
                    where.At("id");
                    builder.Id = JsonValues.ReadSpanId(ref reader, where);
                    if (builder.Id == 0) throw where.Error("span id is all zeros", reader);
                    break;
                case SpanField.Kind:
                    where.At("kind");
                    builder.Kind = ReadKind(ref reader, where);
                    break;
                case SpanField.Name:
                    where.At("name");
                    if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string", reader);
                    builder.Name = JsonValues.ReadString(ref reader, context.Names);
                    break;
                case SpanField.Timestamp:
                    where.At("timestamp");
                    builder.Timestamp = JsonValues.ReadInt64(ref reader, where);
                    break;
                case SpanField.Duration:
                    where.At("duration");
                    builder.Duration = JsonValues.ReadInt64(ref reader, where);
                    break;
                case SpanField.LocalEndpoint:
                    where.At("localEndpoint");
                    builder.LocalEndpoint = ReadEndpoint(json, ref reader, context, where);
                    break;
                case SpanField.RemoteEndpoint:
                    where.At("remoteEndpoint");
                    builder.RemoteEndpoint = ReadEndpoint(json, ref reader, context, where);
                    break;
                case SpanField.Annotations:
                    where.At("annotations");
                    ReadAnnotations(ref reader, context, ref where);
                    break;
                case SpanField.Tags:
                    where.At("tags");
                    ReadTags(ref reader, context, ref where);
                    break;
                case SpanField.Debug:
                    where.At("debug");
                    builder.Debug = JsonValues.ReadBoolean(ref reader, where);
                    break;
                case SpanField.Shared:
                    where.At("shared");
                    builder.Shared = JsonValues.ReadBoolean(ref reader, where);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        where.At(null);
        try
        {
            return builder.Build();
        }
        catch (SpanValidationException e)
        {
            throw where.Error(e.Message, reader, e);
        }
    }

    private static SpanKind ReadKind(ref Utf8JsonReader reader, in JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string", reader);
        ReadOnlySpan<byte> text = reader.ValueSpan;
        if (text.SequenceEqual("CLIENT"u8)) return SpanKind.Client;
        if (text.SequenceEqual("SERVER"u8)) return SpanKind.Server;
        if (text.SequenceEqual("PRODUCER"u8)) return SpanKind.Producer;
        if (text.SequenceEqual("CONSUMER"u8)) return SpanKind.Consumer;
        throw where.Error($"Unknown kind \"{reader.GetString()}\" (expected CLIENT, SERVER, PRODUCER or CONSUMER)", reader);
    }

    /// <summary>Also used by the v1 reader, whose endpoint objects have the same fields.</summary>
    internal static Endpoint? ReadEndpoint(ReadOnlySpan<byte> json, ref Utf8JsonReader reader, DecodeContext context, in JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("an endpoint object", reader);
        // Look the object's exact bytes up first: a hit skips field parsing and address normalisation.
        var ahead = reader;
        ahead.Skip();
        // TokenStartIndex and BytesConsumed index the one contiguous input the reader was given.
        ReadOnlySpan<byte> encoded = json[(int)reader.TokenStartIndex..(int)ahead.BytesConsumed];
        if (context.Endpoints.TryGet(encoded, out var cached))
        {
            reader = ahead;
            return cached;
        }

        string? serviceName = null, ipv4 = null, ipv6 = null;
        long port = 0;
        var at = where;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            EndpointField field = EndpointFieldOf(reader.ValueSpan, reader.ValueIsEscaped);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null) continue;
            switch (field)
            {
                case EndpointField.ServiceName:
                    at.Field = where.Field + ".serviceName";
                    if (reader.TokenType != JsonTokenType.String) throw at.Expected("a string", reader);
                    serviceName = JsonValues.ReadString(ref reader, context.Names);
                    break;
                case EndpointField.Ipv4:
                    at.Field = where.Field + ".ipv4";
                    if (reader.TokenType != JsonTokenType.String) throw at.Expected("a string", reader);
                    ipv4 = JsonValues.ReadString(ref reader, context.Strings);
                    break;
                case EndpointField.Ipv6:
                    at.Field = where.Field + ".ipv6";
                    if (reader.TokenType != JsonTokenType.String) throw at.Expected("a string", reader);
                    ipv6 = JsonValues.ReadString(ref reader, context.Strings);
                    break;
                case EndpointField.Port:
                    at.Field = where.Field + ".port";
                    port = JsonValues.ReadInt64(ref reader, at);
                    if (port > 65535) throw at.Error($"port {port} is greater than 65535", reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        var endpoint = Endpoint.Create(serviceName, ipv4, ipv6, port < 0 ? 0 : (int)port);
        context.Endpoints.Add(encoded, endpoint);
        return endpoint;
    }

    private static void ReadAnnotations(ref Utf8JsonReader reader, DecodeContext context, ref JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw where.Expected("an array of annotations", reader);
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            where.ItemIndex = index;
            if (reader.TokenType == JsonTokenType.Null) { index++; continue; }
            if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("an annotation object", reader);
            long timestamp = 0;
            string? value = null;
            bool hasTimestamp = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isTimestamp = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("timestamp"u8);
                bool isValue = !reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual("value"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (isTimestamp)
                {
                    timestamp = JsonValues.ReadInt64(ref reader, where);
                    hasTimestamp = true;
                }
                else if (isValue)
                {
                    if (reader.TokenType != JsonTokenType.String) throw where.Expected("a string annotation value", reader);
                    value = JsonValues.ReadString(ref reader, context.Strings);
                }
                else reader.Skip();
            }
            if (!hasTimestamp || value is null) throw where.Error("Incomplete annotation: timestamp and value are required", reader);
            context.Builder.AddAnnotation(timestamp, value);
            index++;
        }
        where.ItemIndex = -1;
    }

    private static void ReadTags(ref Utf8JsonReader reader, DecodeContext context, ref JsonLocation where)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw where.Expected("an object of tags", reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = JsonValues.ReadString(ref reader, context.Strings);
            reader.Read();
            string value;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    value = JsonValues.ReadString(ref reader, context.Strings);
                    break;
                case JsonTokenType.Number:
                    value = context.Strings.Get(reader.ValueSpan);
                    break;
                case JsonTokenType.Null:
                    where.Key = key;
                    throw where.Error($"No value at tags.{key}", reader);
                default:
                    where.Key = key;
                    throw where.Expected("a string tag value", reader);
            }
            context.Builder.PutTag(key, value);
        }
        where.Key = null;
    }

    private enum SpanField : byte
    {
        Unknown, TraceId, ParentId, Id, Kind, Name, Timestamp, Duration, LocalEndpoint, RemoteEndpoint, Annotations, Tags, Debug, Shared,
    }

    private enum EndpointField : byte { Unknown, ServiceName, Ipv4, Ipv6, Port }

    private static SpanField SpanFieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Unescaped text is never longer than its escaped form.
            if (reader.ValueSpan.Length > 96) return SpanField.Unknown;
            Span<byte> unescaped = stackalloc byte[96];
            return SpanFieldOf(unescaped[..reader.CopyString(unescaped)]);
        }
        return SpanFieldOf(reader.ValueSpan);
    }

    // Dispatch on length first: one compare per field in the common case.
    private static SpanField SpanFieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => SpanField.Id,
        4 when name.SequenceEqual("kind"u8) => SpanField.Kind,
        4 when name.SequenceEqual("name"u8) => SpanField.Name,
        4 when name.SequenceEqual("tags"u8) => SpanField.Tags,
        5 when name.SequenceEqual("debug"u8) => SpanField.Debug,
        6 when name.SequenceEqual("shared"u8) => SpanField.Shared,
        7 when name.SequenceEqual("traceId"u8) => SpanField.TraceId,
        8 when name.SequenceEqual("parentId"u8) => SpanField.ParentId,
        8 when name.SequenceEqual("duration"u8) => SpanField.Duration,
        9 when name.SequenceEqual("timestamp"u8) => SpanField.Timestamp,
        11 when name.SequenceEqual("annotations"u8) => SpanField.Annotations,
        13 when name.SequenceEqual("localEndpoint"u8) => SpanField.LocalEndpoint,
        14 when name.SequenceEqual("remoteEndpoint"u8) => SpanField.RemoteEndpoint,
        _ => SpanField.Unknown,
    };

    private static EndpointField EndpointFieldOf(ReadOnlySpan<byte> name, bool escaped) => escaped ? EndpointField.Unknown : name.Length switch
    {
        4 when name.SequenceEqual("ipv4"u8) => EndpointField.Ipv4,
        4 when name.SequenceEqual("ipv6"u8) => EndpointField.Ipv6,
        4 when name.SequenceEqual("port"u8) => EndpointField.Port,
        11 when name.SequenceEqual("serviceName"u8) => EndpointField.ServiceName,
        _ => EndpointField.Unknown,
    };
}
