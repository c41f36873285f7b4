using System.Buffers;

namespace TraceCollector.Codecs;

/// <summary>
/// A growable byte buffer rented from the shared pool, for encoders that write first and copy the
/// result out once. One per thread (<see cref="RentForThread"/>), so steady encoding allocates only its output.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    [ThreadStatic] private static PooledBufferWriter? t_cached;

    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 16 * 1024) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>What was written, for an asynchronous write (a response body) that cannot take a span.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public static PooledBufferWriter RentForThread()
    {
        var writer = t_cached ?? new PooledBufferWriter();
        t_cached = null;
        writer._written = 0;
        return writer;
    }

    public static void ReturnForThread(PooledBufferWriter writer)
    {
        // Keep moderate buffers for reuse; give a huge one back to the pool rather than pin it to a thread.
        if (writer._buffer.Length > 4 * 1024 * 1024) writer.Dispose();
        else t_cached = writer;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        byte[] old = _buffer;
        _buffer = [];
        _written = 0;
        if (old.Length > 0) ArrayPool<byte>.Shared.Return(old);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1) sizeHint = 256;
        if (_buffer.Length - _written >= sizeHint) return;
        int size = Math.Max(_buffer.Length * 2, _written + sizeHint);
        byte[] bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        byte[] old = _buffer;
        _buffer = bigger;
        if (old.Length > 0) ArrayPool<byte>.Shared.Return(old);
    }
}
