using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace TraceCollector.Collector.Tests.Support;

internal static class Bodies
{
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static ByteArrayContent Content(byte[] bytes, string? contentType, string? contentEncoding = null)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (contentEncoding is not null) content.Headers.ContentEncoding.Add(contentEncoding);
        return content;
    }

    public static ByteArrayContent Json(string json) => Content(Encoding.UTF8.GetBytes(json), "application/json");

    /// <summary>A body whose length is not known up front, so HttpClient sends it chunked, as both OpenTelemetry exporters do.</summary>
    public sealed class Chunked(byte[] bytes, string contentType) : HttpContent
    {
        public Chunked Init()
        {
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return this;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // Two writes, so the body really arrives in more than one chunk.
            int half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
