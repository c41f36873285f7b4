using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using TraceCollector.Codecs;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Model;

namespace TraceCollector.Collector.Http;

/// <summary>
/// POST /api/v2/spans and /api/v1/spans as Zipkin answers them (zipkin-contract §1): the decoder is
/// chosen by route and Content-Type alone, gzip is undone when Content-Encoding mentions it, bad
/// input is a 400 naming the problem, oversize a 413, and the 202 means stored (or, with
/// COLLECTOR_ACK=accepted, queued). When the pipeline refuses or storage fails the client gets a
/// 503 with Retry-After, so it can retry instead of losing spans.
/// </summary>
public sealed partial class ZipkinHttpCollector
{
    public const string Transport = "http";

    private readonly ISpanSink _sink;
    private readonly TransportMetrics _metrics;
    private readonly CollectorOptions _options;
    private readonly ILogger _log;

    public ZipkinHttpCollector(ISpanSink sink, CollectorMetrics metrics, CollectorOptions options, ILogger<ZipkinHttpCollector> log)
    {
        _sink = sink;
        _metrics = metrics.For(Transport);
        _options = options;
        _log = log;
    }

    public Task ReportV2Async(HttpContext context) =>
        ReportAsync(context, HasMediaType(context.Request.ContentType, "application/x-protobuf") ? SpanEncoding.Proto3 : SpanEncoding.JsonV2);

    public Task ReportV1Async(HttpContext context) =>
        ReportAsync(context, HasMediaType(context.Request.ContentType, "application/x-thrift") ? SpanEncoding.Thrift : SpanEncoding.JsonV1);

    private async Task ReportAsync(HttpContext context, SpanEncoding encoding)
    {
        var request = context.Request;
        // We bound the body ourselves (raw and decompressed alike), so Kestrel's own limit steps aside.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature) sizeFeature.MaxRequestBodySize = null;

        PooledBuffer? raw;
        try
        {
            raw = await RequestBody.ReadAsync(request.BodyReader, request.ContentLength, _options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            _metrics.RecordMessage(0);
            _metrics.RecordMessageDropped();
            await PlainAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        if (raw is null)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<Span> spans;
        PooledBuffer? inflated = null;
        try
        {
            if (raw.Length > 0 && IsGzip(request.Headers.ContentEncoding))
            {
                switch (RequestBody.Gunzip(raw, _options.MaxBodyBytes, out inflated))
                {
                    case RequestBody.GunzipStatus.TooLarge:
                        await TooLargeAsync(context).ConfigureAwait(false);
                        return;
                    case RequestBody.GunzipStatus.Invalid:
                        _metrics.RecordMessage(0);
                        await BadRequestAsync(context, "Cannot gunzip spans\n").ConfigureAwait(false);
                        return;
                }
            }
            var body = (inflated ?? raw).Span;
            if (body.Length == 2 && body[0] == (byte)'[' && body[1] == (byte)']') body = default;
            _metrics.RecordMessage(body.Length);
            if (body.IsEmpty)
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }
            if (CheckListFormat(encoding, body) is { } problem)
            {
                await BadRequestAsync(context, problem).ConfigureAwait(false);
                return;
            }
            try
            {
                spans = SpanDecoder.DecodeList(encoding, body);
            }
            catch (SpanFormatException e)
            {
                await BadRequestAsync(context, e.Message).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A decoder bug must still be the client's 400, never a 500 that hides what was sent.
                LogDecoderFault(e, encoding);
                await BadRequestAsync(context, $"Cannot decode {encoding.ZipkinName()} spans: {e.Message}").ConfigureAwait(false);
                return;
            }
        }
        finally
        {
            inflated?.Dispose();
            raw.Dispose();
        }

        var result = await _sink.SubmitAsync(spans, Transport, _options.Ack == AckMode.Durable, context.RequestAborted).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case SubmitOutcome.Stored:
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                break;
            case SubmitOutcome.Rejected:
                await UnavailableAsync(context, retryAfterSeconds: 1, result.Error ?? "the collector queue is full").ConfigureAwait(false);
                break;
            default:
                await UnavailableAsync(context, retryAfterSeconds: 5, result.Error ?? "storage is unavailable").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Zipkin's first-byte sanity check and its v1/v2 mix-up guard (contract §1.2 steps 5 and 6).</summary>
    internal static string? CheckListFormat(SpanEncoding encoding, ReadOnlySpan<byte> body)
    {
        bool looksRight = encoding switch
        {
            SpanEncoding.JsonV1 or SpanEncoding.JsonV2 => FirstNonWhitespace(body) == (byte)'[',
            SpanEncoding.Proto3 => body.Length > 1 && body[0] == 0x0A && body[1] != 0,
            SpanEncoding.Thrift => body[0] is 0x0C or 0x0B,
            _ => false,
        };
        if (!looksRight) return $"Expected a {encoding.ZipkinName()} encoded list\n";
        if (encoding == SpanEncoding.JsonV2 && body.IndexOf("yAnnotations\""u8) >= 0)
        {
            return "Expected a JSON_V2 encoded list, but received: JSON_V1\n";
        }
        if (encoding == SpanEncoding.JsonV1 && (body.IndexOf("Endpoint\""u8) >= 0 || body.IndexOf("\"tags\""u8) >= 0))
        {
            return "Expected a JSON_V1 encoded list, but received: JSON_V2\n";
        }
        return null;
    }

    private static int FirstNonWhitespace(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b;
        }
        return -1;
    }

    private static bool HasMediaType(string? contentType, string mediaType) =>
        contentType is not null && contentType.AsSpan().TrimStart().StartsWith(mediaType, StringComparison.OrdinalIgnoreCase);

    private static bool IsGzip(Microsoft.Extensions.Primitives.StringValues contentEncoding)
    {
        foreach (string? value in contentEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private Task TooLargeAsync(HttpContext context)
    {
        _metrics.RecordMessage(0);
        _metrics.RecordMessageDropped();
        return PlainAsync(context, StatusCodes.Status413PayloadTooLarge, $"Request body exceeds COLLECTOR_MAX_BODY ({_options.MaxBodyBytes} bytes)\n");
    }

    private Task BadRequestAsync(HttpContext context, string message)
    {
        _metrics.RecordMessageDropped();
        LogBadRequest(message.TrimEnd('\n'));
        return PlainAsync(context, StatusCodes.Status400BadRequest, message);
    }

    private static Task UnavailableAsync(HttpContext context, int retryAfterSeconds, string message)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return PlainAsync(context, StatusCodes.Status503ServiceUnavailable, message + "\n");
    }

    private static Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Refused spans over HTTP: {Problem}")]
    private partial void LogBadRequest(string problem);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "The {Encoding} decoder threw something other than a format error")]
    private partial void LogDecoderFault(Exception exception, SpanEncoding encoding);
}
