using TraceCollector.Model;

namespace TraceCollector.Codecs;

/// <summary>
/// Zipkin's v1 to v2 conversion (zipkin2.v1.V1SpanConverter), restated: core annotations (cs sr ss cr,
/// ms mr, ws wr) become kind, timestamp and duration; binary annotations become tags, and the
/// addresses ca, sa and ma remote endpoints. One v1 span that holds both sides of an RPC becomes a
/// CLIENT span and a shared SERVER span. Reuses its builders, so it is one per decode.
/// </summary>
internal sealed class V1SpanConverter
{
    private readonly List<SpanBuilder> _builders = new();
    private int _used;
    private V1Annotation? _cs, _sr, _ss, _cr, _ms, _mr, _ws, _wr;

    private SpanBuilder First => _builders[0];

    public void Convert(V1Span source, List<Span> sink)
    {
        Start(source);
        ProcessAnnotations(source);
        ProcessBinaryAnnotations(source);
        for (int i = 0; i < _used; i++) sink.Add(_builders[i].Build());
    }

    private void Start(V1Span source)
    {
        _used = 0;
        _cs = _sr = _ss = _cr = _ms = _mr = _ws = _wr = null;
        NewBuilder(source, null);
    }

    private void ProcessAnnotations(V1Span source)
    {
        foreach (var a in source.Annotations)
        {
            SpanBuilder current = ForEndpoint(source, a.Endpoint);
            // Core annotations need an endpoint; without one they are ordinary events.
            if (a.Value.Length != 2 || a.Endpoint is null)
            {
                current.AddAnnotation(a.Timestamp, a.Value);
                continue;
            }
            switch (a.Value)
            {
                case "cs": current.Kind = SpanKind.Client; _cs = a; break;
                case "sr": current.Kind = SpanKind.Server; _sr = a; break;
                case "ss": current.Kind = SpanKind.Server; _ss = a; break;
                case "cr": current.Kind = SpanKind.Client; _cr = a; break;
                case "ms": current.Kind = SpanKind.Producer; _ms = a; break;
                case "mr": current.Kind = SpanKind.Consumer; _mr = a; break;
                case "ws": _ws = a; break;
                case "wr": _wr = a; break;
                default: current.AddAnnotation(a.Timestamp, a.Value); break;
            }
        }

        // Bridged from an event model, a span can lack its start event while its end matches the span's duration.
        if (_cs is null && EndMatchesSpan(_cr, source)) _cs = new V1Annotation(source.Timestamp, "cs", _cr!.Value.Endpoint);
        if (_sr is null && EndMatchesSpan(_ss, source)) _sr = new V1Annotation(source.Timestamp, "sr", _ss!.Value.Endpoint);

        if (_cs is { } cs && _sr is { } sr)
        {
            // In a shared span the client owns the span's timing.
            TimestampAndDuration(source, cs, _cr);
            SpanBuilder client = ForEndpoint(source, cs.Endpoint);
            SpanBuilder server;
            if (SameServiceName(cs.Endpoint, sr.Endpoint))
            {
                // Loopback: both sides have the same service, so fork a builder for the server.
                client.Kind = SpanKind.Client;
                server = NewBuilder(source, sr.Endpoint);
                server.Kind = SpanKind.Server;
            }
            else server = ForEndpoint(source, sr.Endpoint);
            server.Shared = true;
            server.Timestamp = sr.Timestamp;
            if (_ss is { } ss) server.Duration = ss.Timestamp - sr.Timestamp;
            if (_cr is null && source.Duration == 0) client.Duration = 0; // one-way: no duration
        }
        else if (_cs is { } clientStart && _cr is not null) TimestampAndDuration(source, clientStart, _cr);
        else if (_sr is { } serverStart && _ss is not null) TimestampAndDuration(source, serverStart, _ss);
        else HandleIncompleteRpc(source);

        // v1 had no shared flag: a server side without the span's own timestamp was, by convention, shared.
        if (_cs is null && _sr is { } serverReceive && (source.Timestamp == 0 || (_ss is not null && source.Duration == 0)))
        {
            ForEndpoint(source, serverReceive.Endpoint).Shared = true;
        }

        if (_ms is { } ms && _mr is { } mr)
        {
            SpanBuilder producer = ForEndpoint(source, ms.Endpoint);
            SpanBuilder consumer;
            if (SameServiceName(ms.Endpoint, mr.Endpoint))
            {
                producer.Kind = SpanKind.Producer;
                consumer = NewBuilder(source, mr.Endpoint);
                consumer.Kind = SpanKind.Consumer;
            }
            else consumer = ForEndpoint(source, mr.Endpoint);
            consumer.Shared = true;
            if (_wr is { } wr)
            {
                consumer.Timestamp = wr.Timestamp;
                consumer.Duration = mr.Timestamp - wr.Timestamp;
            }
            else consumer.Timestamp = mr.Timestamp;
            producer.Timestamp = ms.Timestamp;
            producer.Duration = _ws is { } ws ? ws.Timestamp - ms.Timestamp : 0;
        }
        else if (_ms is { } messageSend) TimestampAndDuration(source, messageSend, _ws);
        else if (_mr is { } messageReceive)
        {
            if (_wr is { } wireReceive) TimestampAndDuration(source, wireReceive, messageReceive);
            else TimestampAndDuration(source, messageReceive, null);
        }
        else
        {
            if (_ws is { } ws) ForEndpoint(source, ws.Endpoint).AddAnnotation(ws.Timestamp, ws.Value);
            if (_wr is { } wr) ForEndpoint(source, wr.Endpoint).AddAnnotation(wr.Timestamp, wr.Value);
        }
    }

    private void HandleIncompleteRpc(V1Span source)
    {
        for (int i = 0; i < _used; i++)
        {
            SpanBuilder next = _builders[i];
            if (next.Kind == SpanKind.Client)
            {
                if (_cs is { } cs) next.Timestamp = cs.Timestamp;
                if (_cr is { } cr) next.AddAnnotation(cr.Timestamp, cr.Value);
            }
            else if (next.Kind == SpanKind.Server)
            {
                if (_sr is { } sr) next.Timestamp = sr.Timestamp;
                if (_ss is { } ss) next.AddAnnotation(ss.Timestamp, ss.Value);
            }
        }
        if (source.Timestamp != 0)
        {
            First.Timestamp = source.Timestamp;
            First.Duration = source.Duration;
        }
    }

    private static bool EndMatchesSpan(V1Annotation? end, V1Span source) =>
        end is { } e && source.Timestamp != 0 && source.Duration != 0 && source.Timestamp + source.Duration == e.Timestamp;

    private void TimestampAndDuration(V1Span source, V1Annotation begin, V1Annotation? end)
    {
        SpanBuilder span = ForEndpoint(source, begin.Endpoint);
        if (source.Timestamp != 0 && source.Duration != 0)
        {
            span.Timestamp = source.Timestamp;
            span.Duration = source.Duration;
        }
        else
        {
            span.Timestamp = begin.Timestamp;
            if (end is { } e) span.Duration = e.Timestamp - begin.Timestamp;
        }
    }

    private void ProcessBinaryAnnotations(V1Span source)
    {
        Endpoint? ca = null, sa = null, ma = null;
        foreach (var b in source.BinaryAnnotations)
        {
            if (b.StringValue is null)
            {
                switch (b.Key)
                {
                    case "ca": ca = b.Endpoint; break;
                    case "sa": sa = b.Endpoint; break;
                    case "ma": ma = b.Endpoint; break;
                }
                continue;
            }
            SpanBuilder current = ForEndpoint(source, b.Endpoint);
            // "lc" with no value only marks a local span; its endpoint has been taken above.
            if (b.Key == "lc" && b.StringValue.Length == 0) continue;
            current.PutTag(b.Key, b.StringValue);
        }

        bool noCoreAnnotations = _cs is null && _cr is null && _ss is null && _sr is null;
        if (noCoreAnnotations && (ca is not null || sa is not null))
        {
            if (ca is not null && sa is not null) ForEndpoint(source, ca).RemoteEndpoint = sa;
            else if (sa is not null) ForEndpoint(source, null).RemoteEndpoint = sa; // "sa" alone does not make a client span
            else
            {
                SpanBuilder server = ForEndpoint(source, null);
                server.Kind = SpanKind.Server;
                server.RemoteEndpoint = ca;
            }
            return;
        }

        V1Annotation? serverEvent = _sr ?? _ss;
        if (ca is not null && serverEvent is { } server2 && !Equals(ca, server2.Endpoint))
        {
            // Finagle logs "ca" on server spans with the server's own service name; dropping the name avoids a loopback link.
            if (SameServiceName(ca, server2.Endpoint)) ca = Endpoint.Create(null, ca.Ipv4, ca.Ipv6, ca.Port);
            ForEndpoint(source, server2.Endpoint).RemoteEndpoint = ca;
        }
        if (sa is not null)
        {
            if (_cs is { } cs) ForEndpoint(source, cs.Endpoint).RemoteEndpoint = sa;
            else if (_cr is { } cr) ForEndpoint(source, cr.Endpoint).RemoteEndpoint = sa;
        }
        if (ma is not null)
        {
            // Both sides of an accidentally shared messaging span get the broker's address.
            if (_ms is { } ms) ForEndpoint(source, ms.Endpoint).RemoteEndpoint = ma;
            if (_mr is { } mr) ForEndpoint(source, mr.Endpoint).RemoteEndpoint = ma;
        }
    }

    private SpanBuilder ForEndpoint(V1Span source, Endpoint? endpoint)
    {
        if (endpoint is null) return First; // data without an endpoint belongs to the first span
        for (int i = 0; i < _used; i++)
        {
            SpanBuilder next = _builders[i];
            if (next.LocalEndpoint is null)
            {
                next.LocalEndpoint = endpoint;
                return next;
            }
            if (SameServiceName(next.LocalEndpoint, endpoint)) return next;
        }
        return NewBuilder(source, endpoint);
    }

    private SpanBuilder NewBuilder(V1Span source, Endpoint? endpoint)
    {
        if (_used == _builders.Count) _builders.Add(new SpanBuilder());
        SpanBuilder builder = _builders[_used++].Clear();
        builder.TraceId = source.TraceId;
        builder.ParentId = source.ParentId;
        builder.Id = source.Id;
        builder.Name = source.Name;
        builder.Debug = source.Debug;
        builder.LocalEndpoint = endpoint;
        return builder;
    }

    private static bool SameServiceName(Endpoint? left, Endpoint? right) =>
        string.Equals(left?.ServiceName, right?.ServiceName, StringComparison.Ordinal);
}
