namespace TraceCollector.Codecs;

/// <summary>The wire formats Zipkin reporters send; the names match Zipkin's decoder names (JSON_V1, JSON_V2, PROTO3, THRIFT).</summary>
public enum SpanEncoding
{
    JsonV1,
    JsonV2,
    Proto3,
    Thrift,
}

public static class SpanEncodingNames
{
    /// <summary>Zipkin's name for the encoding, as its error messages print it ("Expected a JSON_V2 encoded list, but received: JSON_V1").</summary>
    public static string ZipkinName(this SpanEncoding encoding) => encoding switch
    {
        SpanEncoding.JsonV1 => "JSON_V1",
        SpanEncoding.JsonV2 => "JSON_V2",
        SpanEncoding.Proto3 => "PROTO3",
        SpanEncoding.Thrift => "THRIFT",
        _ => encoding.ToString(),
    };
}
