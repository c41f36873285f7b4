using System.Text.Json;
using TraceCollector.Analysis.Aggregation;
using TraceCollector.Analysis.CriticalPath;
using TraceCollector.Analysis.NetworkLatency;
using TraceCollector.Model;

namespace TraceCollector.Query.AnalysisApi;

/// <summary>
/// The JSON of the analysis endpoints. Times are microseconds (epoch for instants), ids lower-hex as
/// Zipkin writes them, kinds as Zipkin names them; a field that is unknown is left out rather than null.
/// </summary>
internal static class AnalysisJson
{
    public static void WriteCriticalPath(Utf8JsonWriter w, TraceId traceId, CriticalPathResult path)
    {
        w.WriteStartObject();
        w.WriteString("traceId", traceId.ToString());
        w.WriteNumber("start", path.Start);
        w.WriteNumber("end", path.End);
        w.WriteNumber("duration", path.Duration);
        w.WriteStartArray("segments");
        foreach (var s in path.Segments)
        {
            w.WriteStartObject();
            WriteSpanFields(w, s.SpanId, s.Kind, s.ServiceName, s.Name);
            w.WriteNumber("start", s.Start);
            w.WriteNumber("end", s.End);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("selfTimes");
        foreach (var s in path.SelfTimes)
        {
            if (s.SpanId == 0) continue; // gaps between roots are nobody's time
            w.WriteStartObject();
            WriteSpanFields(w, s.SpanId, s.Kind, s.ServiceName, s.Name);
            w.WriteNumber("selfTime", s.SelfTime);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteNetworkLatency(Utf8JsonWriter w, TraceId traceId, IReadOnlyList<NetworkLatencyPair> pairs)
    {
        w.WriteStartObject();
        w.WriteString("traceId", traceId.ToString());
        w.WriteStartArray("pairs");
        foreach (var p in pairs)
        {
            w.WriteStartObject();
            w.WriteString("kind", p.IsMessaging ? "messaging" : "rpc");
            w.WriteString("clientSpanId", SpanId.Format(p.ClientSpanId));
            w.WriteString("serverSpanId", SpanId.Format(p.ServerSpanId));
            WriteIfPresent(w, "clientServiceName", p.ClientServiceName);
            WriteIfPresent(w, "serverServiceName", p.ServerServiceName);
            WriteIfPresent(w, "requestLeg", p.RequestLeg);
            WriteIfPresent(w, "responseLeg", p.ResponseLeg);
            WriteIfPresent(w, "total", p.Total);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteCriticalPathAggregate(Utf8JsonWriter w, CriticalPathAggregate aggregate)
    {
        w.WriteStartObject();
        w.WriteNumber("traceCount", aggregate.TraceCount);
        w.WriteNumber("totalTime", aggregate.TotalTime);
        w.WriteStartArray("operations");
        foreach (var o in aggregate.Operations)
        {
            w.WriteStartObject();
            WriteIfPresent(w, "serviceName", o.ServiceName);
            WriteIfPresent(w, "spanName", o.SpanName);
            w.WriteNumber("traceCount", o.TraceCount);
            w.WriteNumber("totalTime", o.TotalTime);
            w.WriteNumber("share", Math.Round(o.Share, 6));
            WritePercentiles(w, o.TimeOnPath);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteNetworkLatencyAggregate(Utf8JsonWriter w, NetworkLatencyAggregate aggregate)
    {
        w.WriteStartObject();
        w.WriteNumber("traceCount", aggregate.TraceCount);
        w.WriteStartArray("edges");
        foreach (var e in aggregate.Edges)
        {
            w.WriteStartObject();
            w.WriteString("clientServiceName", e.ClientServiceName);
            w.WriteString("serverServiceName", e.ServerServiceName);
            w.WriteString("kind", e.IsMessaging ? "messaging" : "rpc");
            w.WriteNumber("callCount", e.CallCount);
            WritePercentiles(w, e.NetworkTime);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The extra object a dependency link carries: <c>"networkLatency":{"callCount":n,"p50":…,"p90":…,"p99":…}</c>.</summary>
    public static void WriteLinkLatency(Utf8JsonWriter w, NetworkLatencyEdge edge)
    {
        w.WriteStartObject("networkLatency");
        w.WriteNumber("callCount", edge.CallCount);
        WritePercentiles(w, edge.NetworkTime);
        w.WriteEndObject();
    }

    private static void WritePercentiles(Utf8JsonWriter w, Percentiles p)
    {
        w.WriteNumber("p50", p.P50);
        w.WriteNumber("p90", p.P90);
        w.WriteNumber("p99", p.P99);
    }

    private static void WriteSpanFields(Utf8JsonWriter w, ulong spanId, SpanKind kind, string? serviceName, string? name)
    {
        if (spanId != 0) w.WriteString("spanId", SpanId.Format(spanId));
        if (kind != SpanKind.Unspecified) w.WriteString("kind", KindName(kind));
        WriteIfPresent(w, "serviceName", serviceName);
        WriteIfPresent(w, "name", name);
    }

    private static string KindName(SpanKind kind) => kind switch
    {
        SpanKind.Client => "CLIENT",
        SpanKind.Server => "SERVER",
        SpanKind.Producer => "PRODUCER",
        SpanKind.Consumer => "CONSUMER",
        _ => "",
    };

    private static void WriteIfPresent(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void WriteIfPresent(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }
}
