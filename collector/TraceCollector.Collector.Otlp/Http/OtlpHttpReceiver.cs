using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using TraceCollector.Collector.Http;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Otlp.Decoding;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;

namespace TraceCollector.Collector.Otlp.Http;

/// <summary>
/// OTLP/HTTP: POST /v1/traces with a protobuf or JSON ExportTraceServiceRequest, gzip allowed.
/// Answers as the OTLP specification sets it: 200 with partial_success for rejected spans, 400
/// for undecodable data, 415 for another content type, 413 over the body limit, and 429 or 503
/// with Retry-After under back-pressure so exporters retry instead of dropping.
/// </summary>
public sealed partial class OtlpHttpReceiver
{
    public const string Transport = "otlp";
    private const string ProtobufType = "application/x-protobuf";
    private const string JsonType = "application/json";

    private readonly ISpanSink _sink;
    private readonly TransportMetrics _metrics;
    private readonly CollectorOptions _options;
    private readonly ILogger<OtlpHttpReceiver> _log;

    public OtlpHttpReceiver(ISpanSink sink, CollectorMetrics metrics, CollectorOptions options, ILogger<OtlpHttpReceiver> log)
    {
        _sink = sink;
        _metrics = metrics.For(Transport);
        _options = options;
        _log = log;
    }

    public async Task ExportAsync(HttpContext context)
    {
        var request = context.Request;
        bool json;
        if (HasMediaType(request.ContentType, ProtobufType)) json = false;
        else if (HasMediaType(request.ContentType, JsonType)) json = true;
        else
        {
            await WriteStatusAsync(context, StatusCodes.Status415UnsupportedMediaType, json: false, OtlpResponses.InvalidArgument,
                $"Content-Type should be {ProtobufType} or {JsonType}, was '{request.ContentType}'");
            return;
        }

        // COLLECTOR_MAX_BODY bounds the body (raw and decompressed), so Kestrel's own limit steps aside.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = null;
        PooledBuffer? body;
        try
        {
            body = await RequestBody.ReadAsync(request.BodyReader, request.ContentLength, _options.MaxBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            _metrics.RecordMessageDropped();
            await WriteStatusAsync(context, e.StatusCode, json, OtlpResponses.InvalidArgument, e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        if (body is null)
        {
            _metrics.RecordMessageDropped();
            await WriteStatusAsync(context, StatusCodes.Status413PayloadTooLarge, json, OtlpResponses.InvalidArgument,
                $"request body is larger than COLLECTOR_MAX_BODY ({_options.MaxBodyBytes} bytes)");
            return;
        }
        try
        {
            if (body.Length > 0 && request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                var status = RequestBody.Gunzip(body, _options.MaxBodyBytes, out var gunzipped);
                body.Dispose();
                body = gunzipped;
                if (status != RequestBody.GunzipStatus.Ok)
                {
                    _metrics.RecordMessageDropped();
                    bool tooLarge = status == RequestBody.GunzipStatus.TooLarge;
                    await WriteStatusAsync(context, tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, json,
                        OtlpResponses.InvalidArgument, tooLarge
                            ? $"decompressed body is larger than COLLECTOR_MAX_BODY ({_options.MaxBodyBytes} bytes)"
                            : "Cannot gunzip spans");
                    return;
                }
            }
            await HandleDecodedAsync(context, body!, json);
        }
        finally
        {
            body?.Dispose();
        }
    }

    private async Task HandleDecodedAsync(HttpContext context, PooledBuffer body, bool json)
    {
        _metrics.RecordMessage(body.Length);
        OtlpBatch batch;
        try
        {
            batch = body.Length == 0 ? OtlpBatchDecoder.Empty : json ? OtlpJsonDecoder.Decode(body.Span) : OtlpProtobufDecoder.Decode(body.Span);
        }
        catch (SpanFormatException e)
        {
            _metrics.RecordMessageDropped();
            LogUndecodable(e.Message);
            await WriteStatusAsync(context, StatusCodes.Status400BadRequest, json, OtlpResponses.InvalidArgument, e.Message);
            return;
        }

        var outcome = await OtlpBatchDecoder.SubmitAsync(_sink, _metrics, batch, _options.Ack == AckMode.Durable, context.RequestAborted);
        switch (outcome.Outcome)
        {
            case SubmitOutcome.Stored:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = json ? JsonType : ProtobufType;
                var payload = json
                    ? OtlpResponses.ExportResponseJson(batch.Rejected, batch.RejectionReason)
                    : OtlpResponses.ExportResponseProtobuf(batch.Rejected, batch.RejectionReason);
                context.Response.ContentLength = payload.Length;
                await context.Response.Body.WriteAsync(payload, context.RequestAborted);
                break;
            case SubmitOutcome.Rejected:
                context.Response.Headers.RetryAfter = "1";
                await WriteStatusAsync(context, StatusCodes.Status429TooManyRequests, json, OtlpResponses.ResourceExhausted,
                    "the collector queue is full; retry later");
                break;
            default:
                context.Response.Headers.RetryAfter = "2";
                await WriteStatusAsync(context, StatusCodes.Status503ServiceUnavailable, json, OtlpResponses.Unavailable,
                    outcome.Outcome == SubmitOutcome.ShuttingDown ? "the collector is shutting down" : $"storage failed: {outcome.Error}");
                break;
        }
    }

    private static async Task WriteStatusAsync(HttpContext context, int httpStatus, bool json, int rpcCode, string message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = json ? JsonType : ProtobufType;
        var payload = json ? OtlpResponses.StatusJson(rpcCode, message) : OtlpResponses.StatusProtobuf(rpcCode, message);
        context.Response.ContentLength = payload.Length;
        await context.Response.Body.WriteAsync(payload, context.RequestAborted);
    }

    private static bool HasMediaType(string? contentType, string mediaType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(mediaType, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused an undecodable OTLP/HTTP request: {Reason}")]
    private partial void LogUndecodable(string reason);
}
