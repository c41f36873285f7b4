using System.IO.Compression;
using System.IO.Pipelines;

namespace TraceCollector.Collector.Http;

/// <summary>Reads a request body into a pooled buffer and gunzips it, never holding more than the configured limit.</summary>
internal static class RequestBody
{
    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (413).</summary>
    public static async ValueTask<PooledBuffer?> ReadAsync(PipeReader reader, long? contentLength, int limit, CancellationToken cancellationToken)
    {
        if (contentLength > limit) return null;
        // Chunked bodies (both OpenTelemetry exporters) have no length: start small and grow.
        var buffer = new PooledBuffer(contentLength is > 0 ? (int)contentLength.Value : 16 * 1024, limit);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var bytes = result.Buffer;
                bool fits = buffer.TryAppend(bytes);
                reader.AdvanceTo(bytes.End);
                if (!fits)
                {
                    buffer.Dispose();
                    return null;
                }
                if (result.IsCompleted) return buffer;
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public enum GunzipStatus { Ok, TooLarge, Invalid }

    /// <summary>Decompresses into a new pooled buffer bounded by <paramref name="limit"/>, so a gzip bomb stops at the limit.</summary>
    public static GunzipStatus Gunzip(PooledBuffer compressed, int limit, out PooledBuffer? decompressed)
    {
        decompressed = null;
        var output = new PooledBuffer((int)Math.Min((long)compressed.Length * 4, limit), limit + 1);
        try
        {
            using var input = new ReadOnlyMemoryStream(compressed.Memory);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            while (true)
            {
                var free = output.GetFreeSpace(16 * 1024);
                if (free.IsEmpty || output.Length > limit)
                {
                    output.Dispose();
                    return GunzipStatus.TooLarge;
                }
                int n = gzip.Read(free);
                if (n == 0) break;
                output.Advance(n);
            }
            if (output.Length > limit)
            {
                output.Dispose();
                return GunzipStatus.TooLarge;
            }
            decompressed = output;
            return GunzipStatus.Ok;
        }
        catch (InvalidDataException)
        {
            output.Dispose();
            return GunzipStatus.Invalid;
        }
    }

    /// <summary>A read-only stream over memory we already hold, so gunzip needs no copy of the input.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
