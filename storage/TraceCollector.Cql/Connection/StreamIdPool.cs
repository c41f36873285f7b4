namespace TraceCollector.Cql.Connection;

/// <summary>
/// The stream ids of one connection and the request waiting on each. An id returns to the pool only
/// when its response arrives (or the connection dies): an id whose request timed out stays taken,
/// because a late response on a reused id would be delivered to the wrong request.
/// </summary>
internal sealed class StreamIdPool<T> where T : class
{
    private readonly T?[] _waiting;
    private readonly short[] _free;
    private int _freeCount;
    private readonly object _lock = new();

    public StreamIdPool(int size)
    {
        if (size is < 1 or > 32768) throw new ArgumentOutOfRangeException(nameof(size), "stream ids are 0..32767");
        _waiting = new T?[size];
        _free = new short[size];
        for (int i = 0; i < size; i++) _free[i] = (short)(size - 1 - i);
        _freeCount = size;
    }

    public int InUse
    {
        get
        {
            lock (_lock) return _waiting.Length - _freeCount;
        }
    }

    public bool TryAcquire(T waiter, out short stream)
    {
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                stream = -1;
                return false;
            }
            stream = _free[--_freeCount];
            _waiting[stream] = waiter;
            return true;
        }
    }

    /// <summary>Frees the id and returns who waited on it; null for an id not in use (a stray response).</summary>
    public T? Release(short stream)
    {
        if (stream < 0 || stream >= _waiting.Length) return null;
        lock (_lock)
        {
            var waiter = _waiting[stream];
            if (waiter is null) return null;
            _waiting[stream] = null;
            _free[_freeCount++] = stream;
            return waiter;
        }
    }

    /// <summary>Takes every waiter out (the connection is closing).</summary>
    public List<T> DrainAll()
    {
        var all = new List<T>();
        lock (_lock)
        {
            for (short i = 0; i < _waiting.Length; i++)
            {
                if (_waiting[i] is { } w)
                {
                    all.Add(w);
                    _waiting[i] = null;
                    _free[_freeCount++] = i;
                }
            }
        }
        return all;
    }
}
