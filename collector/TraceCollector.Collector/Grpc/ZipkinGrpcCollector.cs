using Grpc.Core;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;

namespace TraceCollector.Collector.Grpc;

/// <summary>
/// zipkin.proto3.SpanService/Report (zipkin-contract §2.2): a ListOfSpans in, an empty ReportResponse
/// out. The service is bound by hand with a marshaller over our proto3 codec, so no generated code
/// and no second span model. Refusals map to the status a gRPC client retries on:
/// RESOURCE_EXHAUSTED when the pipeline is full, UNAVAILABLE when storage failed or we are stopping.
/// </summary>
public sealed partial class ZipkinGrpcCollector : SpanServiceBase
{
    public const string Transport = "grpc";

    private readonly ISpanSink _sink;
    private readonly TransportMetrics _metrics;
    private readonly CollectorOptions _options;
    private readonly ILogger _log;

    public ZipkinGrpcCollector(ISpanSink sink, CollectorMetrics metrics, CollectorOptions options, ILogger<ZipkinGrpcCollector> log)
    {
        _sink = sink;
        _metrics = metrics.For(Transport);
        _options = options;
        _log = log;
    }

    public override async Task<ReportResponse> Report(ReportRequest request, ServerCallContext context)
    {
        _metrics.RecordMessage(request.Bytes);
        if (request.Error is { } error)
        {
            _metrics.RecordMessageDropped();
            LogBadReport(error);
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        }
        var result = await _sink.SubmitAsync(request.Spans, Transport, _options.Ack == AckMode.Durable, context.CancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            SubmitOutcome.Stored => ReportResponse.Instance,
            SubmitOutcome.Rejected => throw new RpcException(new Status(StatusCode.ResourceExhausted, result.Error ?? "the collector queue is full")),
            _ => throw new RpcException(new Status(StatusCode.Unavailable, result.Error ?? "storage is unavailable")),
        };
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Refused a gRPC report: {Problem}")]
    private partial void LogBadReport(string problem);
}
