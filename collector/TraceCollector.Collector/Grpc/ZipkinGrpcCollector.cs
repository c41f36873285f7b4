using System.Buffers;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TraceCollector.Codecs;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;

namespace TraceCollector.Collector.Grpc;

/// <summary>
/// zipkin.proto3.SpanService/Report (zipkin-contract §2.2): a ListOfSpans in, an empty ReportResponse
/// out. The service is bound by hand with a marshaller over our proto3 codec, so no generated code
/// and no second span model. Refusals map to the status a gRPC client retries on:
/// RESOURCE_EXHAUSTED when the pipeline is full, UNAVAILABLE when storage failed or we are stopping.
/// </summary>
[BindServiceMethod(typeof(ZipkinGrpcCollector), nameof(BindService))]
public sealed partial class ZipkinGrpcCollector
{
    public const string Transport = "grpc";

    private static readonly Method<ReportRequest, ReportResponse> ReportMethod = new(
        MethodType.Unary,
        "zipkin.proto3.SpanService",
        "Report",
        Marshallers.Create<ReportRequest>(static (_, _) => throw new NotSupportedException("the collector only receives reports"), ReportRequest.Decode),
        Marshallers.Create<ReportResponse>(static (_, context) => context.Complete([]), static _ => ReportResponse.Instance));

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

    /// <summary>Called by Grpc.AspNetCore through <see cref="BindServiceMethodAttribute"/>; the handler is found by the method's name.</summary>
    public static void BindService(ServiceBinderBase binder, ZipkinGrpcCollector? service) =>
        binder.AddMethod(ReportMethod, service is null ? null : service.Report);

    public async Task<ReportResponse> Report(ReportRequest request, ServerCallContext context)
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

/// <summary>A decoded ListOfSpans, or why it could not be decoded (answered as INVALID_ARGUMENT, not a transport error).</summary>
public sealed class ReportRequest
{
    private ReportRequest(IReadOnlyList<Span> spans, int bytes, string? error)
    {
        Spans = spans;
        Bytes = bytes;
        Error = error;
    }

    public IReadOnlyList<Span> Spans { get; }

    public int Bytes { get; }

    public string? Error { get; }

    internal static ReportRequest Decode(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        int length = (int)payload.Length;
        if (length == 0) return new ReportRequest([], 0, null);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> bytes;
            if (payload.IsSingleSegment)
            {
                bytes = payload.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(length);
                payload.CopyTo(rented);
                bytes = rented.AsSpan(0, length);
            }
            return new ReportRequest(SpanDecoder.DecodeList(SpanEncoding.Proto3, bytes), length, null);
        }
        catch (SpanFormatException e)
        {
            return new ReportRequest([], length, e.Message);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

/// <summary>zipkin.proto3.ReportResponse: no fields.</summary>
public sealed class ReportResponse
{
    public static readonly ReportResponse Instance = new();
}
