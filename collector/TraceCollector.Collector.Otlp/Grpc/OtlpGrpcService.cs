using System.Buffers;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Grpc;

/// <summary>
/// OTLP/gRPC: opentelemetry.proto.collector.trace.v1.TraceService/Export, bound without generated
/// code: the request marshaller decodes the message bytes straight into spans.
/// </summary>
public sealed partial class OtlpGrpcService
{
    private readonly ISpanSink _sink;
    private readonly TransportMetrics _metrics;
    private readonly CollectorOptions _options;
    private readonly ILogger<OtlpGrpcService> _log;

    public OtlpGrpcService(ISpanSink sink, CollectorMetrics metrics, CollectorOptions options, ILogger<OtlpGrpcService> log)
    {
        _sink = sink;
        _metrics = metrics.For("otlp");
        _options = options;
        _log = log;
    }

    internal async Task<ExportReply> ExportAsync(ExportRequest request, ServerCallContext context)
    {
        _metrics.RecordMessage(request.Length);
        if (request.Error is { } error)
        {
            _metrics.RecordMessageDropped();
            LogUndecodable(error);
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        }
        var batch = request.Batch!;
        var result = await OtlpBatchDecoder.SubmitAsync(_sink, _metrics, batch, _options.Ack == AckMode.Durable, context.CancellationToken);
        return result.Outcome switch
        {
            SubmitOutcome.Stored => new ExportReply(OtlpResponses.ExportResponseProtobuf(batch.Rejected, batch.RejectionReason)),
            // UNAVAILABLE is the code every OTLP exporter retries with back-off.
            SubmitOutcome.Rejected => throw new RpcException(new Status(StatusCode.Unavailable, "the collector queue is full; retry later")),
            SubmitOutcome.ShuttingDown => throw new RpcException(new Status(StatusCode.Unavailable, "the collector is shutting down")),
            _ => throw new RpcException(new Status(StatusCode.Unavailable, $"storage failed: {result.Error}")),
        };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused an undecodable OTLP/gRPC request: {Reason}")]
    private partial void LogUndecodable(string reason);

    /// <summary>A decoded request, or why it could not be decoded (answered as INVALID_ARGUMENT, not as a transport failure).</summary>
    internal sealed record ExportRequest(OtlpBatch? Batch, string? Error, int Length);

    internal sealed record ExportReply(byte[] Payload);

    internal static readonly Method<ExportRequest, ExportReply> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.trace.v1.TraceService",
        "Export",
        new Marshaller<ExportRequest>(static (_, _) => throw new NotSupportedException("the server never sends a request"), DecodeRequest),
        new Marshaller<ExportReply>(static (reply, context) => context.Complete(reply.Payload), static _ => throw new NotSupportedException("the server never reads a reply")));

    private static ExportRequest DecodeRequest(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        int length = (int)payload.Length;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> bytes;
            if (payload.IsSingleSegment) bytes = payload.FirstSpan;
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(length);
                payload.CopyTo(rented);
                bytes = rented.AsSpan(0, length);
            }
            return new ExportRequest(OtlpProtobufDecoder.Decode(bytes), null, length);
        }
        catch (SpanFormatException e)
        {
            return new ExportRequest(null, e.Message, length);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

/// <summary>Binds the Export method to the service, as generated code would.</summary>
internal sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context) =>
        context.AddUnaryMethod(OtlpGrpcService.ExportMethod, Array.Empty<object>(), static (service, request, call) => service.ExportAsync(request, call));
}
