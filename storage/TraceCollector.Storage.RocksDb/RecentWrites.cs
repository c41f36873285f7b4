namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The traces (low 64 bits) each of the latest writes touched. Batches are encoded outside the write
/// lock, in parallel, against what was stored when they began; under the lock a batch asks whether a
/// write that committed meanwhile touched one of its traces, and only then encodes again, because its
/// dependency changes and index timestamps were computed from a view that is now out of date.
/// Not thread-safe: <see cref="Record"/> and <see cref="TouchedSince"/> run under the write lock.
/// </summary>
internal sealed class RecentWrites
{
    // Far more than the writes that can commit while one batch encodes; older ones count as a conflict.
    private const int Capacity = 64;

    private readonly Queue<(long Sequence, HashSet<ulong> Lows)> _writes = new();
    private readonly Stack<HashSet<ulong>> _spareSets = new();
    private long _lastSequence;

    /// <summary>The sequence number of the latest committed write; read it before encoding.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    public bool TouchedSince(long sequence, IReadOnlyList<ulong> lows)
    {
        if (sequence == _lastSequence) return false;
        if (_writes.Count == 0 || _writes.Peek().Sequence > sequence + 1) return true;
        foreach (var (written, set) in _writes)
        {
            if (written <= sequence) continue;
            for (int i = 0; i < lows.Count; i++) if (set.Contains(lows[i])) return true;
        }
        return false;
    }

    public void Record(IReadOnlyList<ulong> lows)
    {
        var set = _spareSets.Count > 0 ? _spareSets.Pop() : new HashSet<ulong>();
        for (int i = 0; i < lows.Count; i++) set.Add(lows[i]);
        long sequence = _lastSequence + 1;
        _writes.Enqueue((sequence, set));
        Volatile.Write(ref _lastSequence, sequence);
        if (_writes.Count <= Capacity) return;
        var (_, oldest) = _writes.Dequeue();
        oldest.Clear();
        _spareSets.Push(oldest);
    }
}
