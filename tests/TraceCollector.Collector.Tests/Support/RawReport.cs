using Grpc.Core;

namespace TraceCollector.Collector.Tests.Support;

/// <summary>The client side of zipkin.proto3.SpanService/Report over raw bytes, so a test sends exactly what a reporter would.</summary>
internal static class RawReport
{
    public static readonly Method<byte[], byte[]> Method = new(
        MethodType.Unary, "zipkin.proto3.SpanService", "Report",
        Marshallers.Create(static (byte[] b) => b, static b => b),
        Marshallers.Create(static (byte[] b) => b, static b => b));
}
