using System.Globalization;
using System.Net;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Mapping;

/// <summary>
/// OpenTelemetry's own mapping of a span to Zipkin (the specification's "OpenTelemetry to Zipkin
/// Transformation"): service.name names the local endpoint, attributes and resource attributes
/// become tags, status becomes otel.status_code/error, events become annotations, the peer
/// attributes by rank become the remote endpoint, the scope becomes otel.scope.name/version.
/// </summary>
internal static class OtlpToZipkin
{
    // Attribute names whose value names the remote service, in the specification's rank order.
    private static readonly string[] RemoteNameRank =
    {
        "peer.service", "server.address", "net.peer.name", "server.socket.domain", "net.sock.peer.name", "peer.hostname", "db.name",
    };

    // Attribute names whose value is the peer's socket address, in rank order, and the port beside each.
    private static readonly (string Address, string Port)[] RemoteAddressRank =
    {
        ("network.peer.address", "network.peer.port"), ("server.socket.address", "server.socket.port"),
        ("net.sock.peer.addr", "net.sock.peer.port"), ("peer.address", "peer.port"),
    };

    private static readonly string[] RemotePortRank = { "server.port", "network.peer.port", "net.peer.port", "server.socket.port", "net.sock.peer.port" };

    /// <summary>Maps one span; returns false with a reason when it cannot be accepted.</summary>
    public static bool TryMap(OtlpOrigin origin, OtlpSpanFields fields, SpanBuilder builder, out Span? span, out string? rejection)
    {
        span = null;
        if (!fields.IdsWellFormed)
        {
            rejection = "trace_id must be 16 bytes and span_id 8 bytes (parent_span_id 8 bytes or empty)";
            return false;
        }
        if (fields.TraceIdHigh == 0 && fields.TraceIdLow == 0)
        {
            rejection = "trace_id is all zeros";
            return false;
        }
        if (fields.SpanId == 0)
        {
            rejection = "span_id is all zeros";
            return false;
        }

        builder.Clear();
        builder.TraceId = new TraceId(fields.TraceIdHigh, fields.TraceIdLow);
        builder.Id = fields.SpanId;
        builder.ParentId = fields.ParentSpanId;
        builder.Name = fields.Name;
        builder.Kind = fields.Kind switch
        {
            2 => SpanKind.Server,
            3 => SpanKind.Client,
            4 => SpanKind.Producer,
            5 => SpanKind.Consumer,
            _ => SpanKind.Unspecified, // INTERNAL and UNSPECIFIED have no Zipkin kind
        };
        long start = (long)(fields.StartTimeUnixNano / 1000);
        builder.Timestamp = start;
        if (fields.EndTimeUnixNano > fields.StartTimeUnixNano && fields.StartTimeUnixNano != 0)
        {
            // Zipkin reads a zero duration as "unfinished", so a sub-microsecond span keeps 1 µs.
            builder.Duration = Math.Max(1, (long)((fields.EndTimeUnixNano - fields.StartTimeUnixNano) / 1000));
        }

        try
        {
            builder.LocalEndpoint = Endpoint.Create(origin.ServiceName ?? "unknown_service", null, null, 0);
            builder.RemoteEndpoint = RemoteEndpoint(fields.Attributes, builder.Kind);
        }
        catch (SpanValidationException e)
        {
            rejection = e.Message;
            return false;
        }

        foreach (var tag in origin.ResourceAttributes) builder.PutTag(tag.Key, tag.Value);
        foreach (var tag in fields.Attributes)
        {
            // The specification drops a boolean "error" attribute: Zipkin treats any error tag as failed.
            if (tag.Key == "error" && tag.Value is "false") continue;
            builder.PutTag(tag.Key, tag.Value);
        }
        if (origin.ScopeName is { Length: > 0 } scopeName) builder.PutTag("otel.scope.name", scopeName);
        if (origin.ScopeVersion is { Length: > 0 } scopeVersion) builder.PutTag("otel.scope.version", scopeVersion);
        if (fields.DroppedAttributesCount > 0) builder.PutTag("otel.dropped_attributes_count", Invariant(fields.DroppedAttributesCount));
        if (fields.DroppedEventsCount > 0) builder.PutTag("otel.dropped_events_count", Invariant(fields.DroppedEventsCount));
        if (fields.DroppedLinksCount > 0) builder.PutTag("otel.dropped_links_count", Invariant(fields.DroppedLinksCount));
        switch (fields.StatusCode)
        {
            case 1:
                builder.PutTag("otel.status_code", "OK");
                break;
            case 2:
                builder.PutTag("otel.status_code", "ERROR");
                builder.PutTag("error", fields.StatusMessage ?? "");
                break;
        }

        foreach (var ev in fields.Events)
        {
            string value = ev.AttributesJson is null ? ev.Name : $"{AttributeFormatter.JsonString(ev.Name)}: {ev.AttributesJson}";
            builder.AddAnnotation((long)(ev.TimeUnixNano / 1000), value);
        }

        span = builder.Build();
        rejection = null;
        return true;
    }

    private static Endpoint? RemoteEndpoint(List<KeyValuePair<string, string>> attributes, SpanKind kind)
    {
        // The peer of a SERVER or CONSUMER span is its caller: server.address there names this host itself.
        bool outgoing = kind is SpanKind.Client or SpanKind.Producer;
        string? name = null, ip = null;
        int port = 0;
        if (outgoing)
        {
            foreach (string key in RemoteNameRank)
            {
                if (Find(attributes, key) is { Length: > 0 } value)
                {
                    name = value;
                    break;
                }
            }
        }
        else
        {
            name = Find(attributes, "peer.service");
        }
        foreach (var (addressKey, portKey) in RemoteAddressRank)
        {
            if (Find(attributes, addressKey) is { Length: > 0 } address && IPAddress.TryParse(address, out _))
            {
                ip = address;
                port = ParsePort(Find(attributes, portKey));
                break;
            }
        }
        if (ip is null && !outgoing && Find(attributes, "client.address") is { Length: > 0 } client && IPAddress.TryParse(client, out _))
        {
            ip = client;
            port = ParsePort(Find(attributes, "client.port"));
        }
        // A remote name that is an address literal is the address, not a service.
        if (name is not null && IPAddress.TryParse(name, out _))
        {
            ip ??= name;
            name = null;
        }
        if (port == 0 && outgoing)
        {
            foreach (string key in RemotePortRank)
            {
                if ((port = ParsePort(Find(attributes, key))) != 0) break;
            }
        }
        if (name is null && ip is null) return null;
        return Endpoint.Create(name, ip, ip, port);
    }

    private static string? Find(List<KeyValuePair<string, string>> attributes, string key)
    {
        foreach (var kv in attributes)
        {
            if (kv.Key == key) return kv.Value;
        }
        return null;
    }

    private static int ParsePort(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535 ? port : 0;

    private static string Invariant(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
