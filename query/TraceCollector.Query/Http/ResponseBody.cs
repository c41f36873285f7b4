using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TraceCollector.Codecs;

namespace TraceCollector.Query.Http;

/// <summary>
/// Sends a finished body with a Content-Length, gzip-compressed when the client accepts gzip and
/// the body is worth compressing (over 2 KiB, as Zipkin's server decides).
/// </summary>
internal static class ResponseBody
{
    private const int CompressionThreshold = 2048;

    /// <summary>A plain-text answer, the form Zipkin uses for 400 and 404 messages.</summary>
    public static Task WriteTextAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        byte[] body = Encoding.UTF8.GetBytes(message);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>Sends bytes as the body, compressed when the client accepts gzip and it pays off.</summary>
    public static async Task SendAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        if (body.Length > CompressionThreshold && AcceptsGzip(context.Request))
        {
            using var compressed = new PooledBufferWriter(body.Length / 4 + 64);
            Gzip(body.Span, compressed);
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Append(HeaderNames.Vary, "accept-encoding");
            response.ContentLength = compressed.WrittenCount;
            await response.Body.WriteAsync(compressed.WrittenMemory);
            return;
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }

    public static void Gzip(ReadOnlySpan<byte> input, PooledBufferWriter output)
    {
        using var stream = new BufferWriterStream(output);
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(input);
        }
    }

    public static bool AcceptsGzip(HttpRequest request)
    {
        var header = request.Headers.AcceptEncoding;
        if (header.Count == 0) return false;
        foreach (var entry in request.GetTypedHeaders().AcceptEncoding)
        {
            bool matches = entry.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || entry.Value.Equals("*", StringComparison.Ordinal);
            if (matches && (entry.Quality ?? 1) > 0) return true;
        }
        return false;
    }

    // GZipStream needs a Stream; this one appends to the pooled buffer without another copy.
    private sealed class BufferWriterStream(PooledBufferWriter output) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => output.WrittenCount;
        public override long Position { get => output.WrittenCount; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            buffer.CopyTo(output.GetSpan(buffer.Length));
            output.Advance(buffer.Length);
        }
    }
}
