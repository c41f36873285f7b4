using System.Buffers;

namespace TraceCollector.Collector.Http;

/// <summary>A growable byte buffer rented from the shared pool, given back on dispose; bounded so a client cannot grow it past the body limit.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;

    public PooledBuffer(int initialCapacity, int limit)
    {
        Limit = limit;
        _array = ArrayPool<byte>.Shared.Rent(Math.Clamp(initialCapacity, 256, Math.Max(256, limit)));
    }

    public int Length { get; private set; }

    /// <summary>The most bytes the buffer may hold.</summary>
    public int Limit { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>Room to write at least one byte, or empty once <see cref="Limit"/> is reached.</summary>
    public Span<byte> GetFreeSpace(int sizeHint = 1)
    {
        int wanted = Length + Math.Max(1, sizeHint);
        if (wanted > _array.Length && _array.Length < Limit) Grow(wanted);
        return _array.AsSpan(Length, Math.Min(_array.Length, Limit) - Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>False when the bytes would exceed <see cref="Limit"/>; nothing is written then.</summary>
    public bool TryAppend(ReadOnlySequence<byte> bytes)
    {
        if (Length + bytes.Length > Limit) return false;
        int total = Length + (int)bytes.Length;
        if (total > _array.Length) Grow(total);
        bytes.CopyTo(_array.AsSpan(Length));
        Length = total;
        return true;
    }

    private void Grow(int atLeast)
    {
        long doubled = Math.Max((long)_array.Length * 2, atLeast);
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(doubled, Math.Max(atLeast, Limit)));
        _array.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, []);
        if (array.Length > 0) ArrayPool<byte>.Shared.Return(array);
    }
}
