using System.Buffers;
using Grpc.Core;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Collector.Grpc;

/// <summary>
/// The zipkin.proto3.SpanService definition, written by hand instead of generated: one unary method
/// whose marshallers use our proto3 codec. Grpc.AspNetCore binds the service through
/// <see cref="BindServiceMethodAttribute"/> and calls the override of <see cref="Report"/>.
/// </summary>
[BindServiceMethod(typeof(SpanServiceBase), nameof(BindService))]
public abstract class SpanServiceBase
{
    public static readonly Method<ReportRequest, ReportResponse> ReportMethod = new(
        MethodType.Unary,
        "zipkin.proto3.SpanService",
        "Report",
        Marshallers.Create<ReportRequest>(static (_, _) => throw new NotSupportedException("the collector only receives reports"), ReportRequest.Decode),
        Marshallers.Create<ReportResponse>(static (_, context) => context.Complete([]), static _ => ReportResponse.Instance));

    public abstract Task<ReportResponse> Report(ReportRequest request, ServerCallContext context);

    public static void BindService(ServiceBinderBase binder, SpanServiceBase? service) =>
        binder.AddMethod(ReportMethod, service is null ? null : service.Report);
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
