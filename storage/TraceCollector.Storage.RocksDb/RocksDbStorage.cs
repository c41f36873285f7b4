using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The embedded store (STORAGE_TYPE=rocksdb): spans, indexes, names and dependency counts in one
/// RocksDB directory, partitioned by day for retention. Opened read-write with <see cref="Open"/>, or
/// with <see cref="OpenSecondary"/> as a read-only follower of a running primary (the separate query
/// service), which catches up with the primary before answering when its view is older than
/// <see cref="SecondaryCatchUpInterval"/>.
/// </summary>
public sealed class RocksDbStorage : ISpanStorage
{
    private const string Component = "RocksDbStorage";

    private readonly PartitionedDb _db;
    private readonly StorageOptions _options;
    private readonly TimeProvider _clock;
    private readonly NameCatalog _names = new();
    // One encoder per writer in flight; batches encode in parallel and only the RocksDB write is serialised.
    private readonly System.Collections.Concurrent.ConcurrentBag<BatchEncoder> _idleEncoders = new();
    private readonly List<BatchEncoder> _allEncoders = new();
    private readonly RecentWrites _recentWrites = new();
    private readonly HashSet<ulong> _inFlightLows = new();
    private readonly TraceSearch _search;
    private readonly object _writeGate = new();
    private readonly WriteOptions _durableWrite = new WriteOptions().SetSync(true);
    private readonly ReadOptions _prefixRead = new ReadOptions().SetPrefixSameAsStart(true);
    private readonly ReadOptions _totalOrderRead = new ReadOptions().SetTotalOrderSeek(true);
    private long _nextRetentionCheckMillis;
    private long _lastCatchUpTicks;
    private int _disposed;
    private long _bytesWritten;

    private RocksDbStorage(PartitionedDb db, StorageOptions options)
    {
        _db = db;
        _options = options;
        _clock = options.Clock;
        _search = new TraceSearch(db, options);
        CheckFormat(db);
        if (!db.IsSecondary)
        {
            EnforceRetention();
            db.GetOrCreate(NowMillis(), PartitionedDb.PartitionLength(options.Ttl));
        }
        LoadNames();
        _lastCatchUpTicks = _clock.GetTimestamp();
    }

    // Bumped when a key or value layout changes, so that a store written by another layout is
    // refused at open instead of being misread. 2: index entries and per-trace dependency changes
    // stored as blocks per batch and second.
    private const string FormatVersion = "2";
    private static readonly byte[] FormatKey = "tracecollector.format"u8.ToArray();

    private static void CheckFormat(PartitionedDb db)
    {
        var stored = db.Db.Get(FormatKey);
        if (stored is null && db.Partitions.Length == 0)
        {
            if (!db.IsSecondary) db.Db.Put(FormatKey, System.Text.Encoding.ASCII.GetBytes(FormatVersion), writeOptions: new WriteOptions().SetSync(true));
            return;
        }
        string found = stored is null ? "1" : System.Text.Encoding.ASCII.GetString(stored);
        if (found != FormatVersion)
        {
            db.Dispose();
            throw new InvalidDataException($"the RocksDB store holds storage format {found}, this build reads format {FormatVersion}; point STORAGE_DIR at a new directory");
        }
    }

    /// <summary>How stale a secondary's view may get before a read first catches up with the primary.</summary>
    public TimeSpan SecondaryCatchUpInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes of write batches handed to RocksDB since open: span records, index entries, names and counts.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Opens (creating when missing) the store in <paramref name="directory"/> for reading and writing.</summary>
    /// <remarks>Retention and day partitions follow <see cref="StorageOptions.Clock"/>; tests pass a manual one.</remarks>
    public static RocksDbStorage Open(string directory, StorageOptions options) =>
        new(PartitionedDb.OpenPrimary(directory), options);

    /// <summary>
    /// Opens a read-only follower of the primary store in <paramref name="primaryDirectory"/>, which
    /// may be open in another process. <paramref name="secondaryDirectory"/> is this follower's own
    /// scratch directory (its info log and replay state), one per follower. Writes throw.
    /// </summary>
    public static RocksDbStorage OpenSecondary(string primaryDirectory, string secondaryDirectory, StorageOptions options) =>
        new(PartitionedDb.OpenSecondary(primaryDirectory, secondaryDirectory), options);

    public ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default)
    {
        if (_db.IsSecondary) throw new InvalidOperationException("a secondary RocksDB store is read-only");
        cancellationToken.ThrowIfCancellationRequested();
        if (spans.Count == 0) return ValueTask.CompletedTask;
        using var scope = _db.EnterRead();
        var encoder = RentEncoder();
        try
        {
            long now = NowMillis();
            using var batch = new WriteBatch();
            long seen = _recentWrites.LastSequence;
            encoder.Encode(spans, batch, now, _prefixRead);
            var lows = encoder.EncodedLows;
            lock (_writeGate)
            {
                if (now >= _nextRetentionCheckMillis) EnforceRetention();
                // A batch that shares a trace with one being written waits for it, then (like one that
                // shares a trace with a write that committed while it encoded) encodes again, because
                // its dependency changes and index timestamps were computed from an older view.
                while (SharesInFlightTrace(lows)) Monitor.Wait(_writeGate);
                if (_recentWrites.TouchedSince(seen, lows))
                {
                    batch.Clear();
                    encoder.Encode(spans, batch, now, _prefixRead);
                }
                foreach (var low in lows) _inFlightLows.Add(low);
            }
            bool durable = false;
            try
            {
                // Synced: the call returns only once the batch is in the fsynced write-ahead log.
                // Outside the lock, so that RocksDB commits concurrent writers with one fsync.
                _db.Db.Write(batch, _durableWrite);
                durable = true;
            }
            finally
            {
                lock (_writeGate)
                {
                    // Recorded before the traces leave the in-flight set, so a batch waiting on one of
                    // them is sure to see this write as a conflict.
                    if (durable)
                    {
                        _recentWrites.Record(lows);
                        foreach (var (kind, first, second) in encoder.PendingNames) _names.Add(kind, first, second, encoder.PendingPartitionStart);
                    }
                    foreach (var low in lows) _inFlightLows.Remove(low);
                    Monitor.PulseAll(_writeGate);
                }
            }
            Interlocked.Add(ref _bytesWritten, batch.AsSpan().Length);
        }
        finally
        {
            _idleEncoders.Add(encoder);
        }
        return ValueTask.CompletedTask;
    }

    private bool SharesInFlightTrace(IReadOnlyList<ulong> lows)
    {
        if (_inFlightLows.Count == 0) return false;
        for (int i = 0; i < lows.Count; i++) if (_inFlightLows.Contains(lows[i])) return true;
        return false;
    }

    private BatchEncoder RentEncoder()
    {
        if (_idleEncoders.TryTake(out var encoder)) return encoder;
        encoder = new BatchEncoder(_options, _db, _names);
        lock (_allEncoders) _allEncoders.Add(encoder);
        return encoder;
    }

    /// <summary>
    /// Drops the day partitions whose every span was accepted longer than STORAGE_TTL ago; runs at
    /// open and then once a minute of the clock while writing. A zero or negative TTL keeps everything.
    /// </summary>
    public int EnforceRetention()
    {
        if (_db.IsSecondary) return 0;
        long now = NowMillis();
        Interlocked.Exchange(ref _nextRetentionCheckMillis, now + 60_000);
        if (_options.Ttl <= TimeSpan.Zero) return 0;
        int dropped = _db.DropBefore(now - (long)_options.Ttl.TotalMilliseconds);
        if (dropped > 0) _names.ExpireBefore(_db.Partitions.Length == 0 ? long.MaxValue : _db.Partitions[^1].StartMillis);
        return dropped;
    }

    /// <summary>Secondary only: replays what the primary wrote since the last catch-up, now.</summary>
    public void CatchUpWithPrimary()
    {
        if (!_db.IsSecondary) return;
        _db.CatchUp();
        LoadNames();
        _lastCatchUpTicks = _clock.GetTimestamp();
    }

    public ValueTask<IReadOnlyList<Span>> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken = default)
    {
        using var scope = EnterRead();
        return ValueTask.FromResult(ReadTrace(traceId));
    }

    public ValueTask<IReadOnlyList<IReadOnlyList<Span>>> GetTracesAsync(IReadOnlyList<TraceId> traceIds, CancellationToken cancellationToken = default)
    {
        using var scope = EnterRead();
        var result = new List<IReadOnlyList<Span>>(traceIds.Count);
        var seen = new HashSet<TraceId>();
        foreach (var id in traceIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!seen.Add(_options.StrictTraceId ? id : id.ToLow64())) continue;
            var trace = ReadTrace(id);
            if (trace.Count > 0) result.Add(trace);
        }
        return ValueTask.FromResult<IReadOnlyList<IReadOnlyList<Span>>>(result);
    }

    public ValueTask<IReadOnlyList<IReadOnlyList<Span>>> FindTracesAsync(QueryRequest request, CancellationToken cancellationToken = default)
    {
        if (!_options.SearchEnabled) return ValueTask.FromResult<IReadOnlyList<IReadOnlyList<Span>>>(Array.Empty<IReadOnlyList<Span>>());
        using var scope = EnterRead();
        return ValueTask.FromResult(_search.Find(request, _prefixRead));
    }

    private IReadOnlyList<Span> ReadTrace(TraceId traceId)
    {
        var group = _db.ReadGroup(traceId.Low, _prefixRead);
        if (_options.StrictTraceId) group.RemoveAll(s => s.TraceId != traceId);
        return group.Count == 0 ? Array.Empty<Span>() : TraceMerger.Merge(group);
    }

    public ValueTask<IReadOnlyList<string>> GetServiceNamesAsync(CancellationToken cancellationToken = default)
    {
        CatchUpIfStale();
        return ValueTask.FromResult(_options.SearchEnabled ? _names.Services() : Array.Empty<string>());
    }

    public ValueTask<IReadOnlyList<string>> GetSpanNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        CatchUpIfStale();
        var service = NameNormalizer.Normalize(serviceName);
        return ValueTask.FromResult(_options.SearchEnabled && service is not null ? _names.SpanNames(service) : Array.Empty<string>());
    }

    public ValueTask<IReadOnlyList<string>> GetRemoteServiceNamesAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        CatchUpIfStale();
        var service = NameNormalizer.Normalize(serviceName);
        return ValueTask.FromResult(_options.SearchEnabled && service is not null ? _names.RemoteServiceNames(service) : Array.Empty<string>());
    }

    public ValueTask<IReadOnlyList<string>> GetKeysAsync(CancellationToken cancellationToken = default)
    {
        var keys = _options.AutocompleteKeys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(keys);
    }

    public ValueTask<IReadOnlyList<string>> GetValuesAsync(string key, CancellationToken cancellationToken = default)
    {
        CatchUpIfStale();
        bool configured = _options.SearchEnabled && _options.AutocompleteKeys.Contains(key, StringComparer.Ordinal);
        return ValueTask.FromResult(configured ? _names.AutocompleteValues(key) : Array.Empty<string>());
    }

    public ValueTask<IReadOnlyList<DependencyLink>> GetDependenciesAsync(long endTs, long lookback, CancellationToken cancellationToken = default)
    {
        if (endTs <= 0) throw new ArgumentException("endTs should be positive, in epoch milliseconds", nameof(endTs));
        if (lookback <= 0) throw new ArgumentException("lookback should be positive, in milliseconds", nameof(lookback));
        using var scope = EnterRead();
        long start = Math.Max(0, endTs - lookback);
        var counts = new DependencyCounts();
        // Whole minutes from the per-minute sums; the partial minutes at either edge from the per-trace counts.
        long firstMinute = (start + 59_999) / 60_000, lastMinute = (endTs + 1) / 60_000 - 1;
        foreach (var p in _db.Partitions)
        {
            if (firstMinute <= lastMinute)
            {
                counts.AddMinutes(_db.Db, p.Handle, _totalOrderRead, (uint)firstMinute, (uint)lastMinute);
                counts.AddTraces(_db.Db, p.Handle, _totalOrderRead, start, firstMinute * 60_000 - 1);
                counts.AddTraces(_db.Db, p.Handle, _totalOrderRead, (lastMinute + 1) * 60_000, endTs);
            }
            else counts.AddTraces(_db.Db, p.Handle, _totalOrderRead, start, endTs);
        }
        return ValueTask.FromResult(counts.ToLinks());
    }

    public ValueTask<StorageHealth> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var scope = _db.EnterRead();
            string? error = _db.Db.GetProperty("rocksdb.background-errors");
            if (error is not null && error != "0") return ValueTask.FromResult(StorageHealth.Down(Component, $"RocksDB reports {error} background errors"));
            _db.Db.Get(StoreKeys.NameKey(StoreKeys.ServiceName, ""));
            return ValueTask.FromResult(StorageHealth.Up(Component));
        }
        catch (Exception e)
        {
            return ValueTask.FromResult(StorageHealth.Down(Component, $"{e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>Flushes memtables and compacts every partition; for tools that measure the settled size on disk.</summary>
    public void Compact()
    {
        using var scope = _db.EnterRead();
        _db.Db.Flush(new FlushOptions().SetWaitForFlush(true));
        foreach (var p in _db.Partitions)
        {
            _db.Db.CompactRange((byte[]?)null!, null!, p.Handle); // null bounds: the whole key range
        }
    }

    private PartitionedDb.ReadScope EnterRead()
    {
        CatchUpIfStale();
        return _db.EnterRead();
    }

    // Reads enforce retention too, so expired data disappears on time even while nothing is written.
    private void CatchUpIfStale()
    {
        if (!_db.IsSecondary && NowMillis() >= Interlocked.Read(ref _nextRetentionCheckMillis))
        {
            using var scope = _db.EnterRead();
            EnforceRetention();
        }
        if (_db.IsSecondary && _clock.GetElapsedTime(Interlocked.Read(ref _lastCatchUpTicks)) >= SecondaryCatchUpInterval) CatchUpWithPrimary();
    }

    private void LoadNames()
    {
        using var scope = _db.EnterRead();
        _names.Clear();
        foreach (var p in _db.Partitions)
        {
            using var it = _db.Db.NewIterator(p.Handle, _totalOrderRead);
            for (it.Seek(new[] { StoreKeys.ServiceName }); it.Valid(); it.Next())
            {
                var key = it.GetKeySpan();
                if (key[0] > StoreKeys.AutocompleteValue) break;
                var (first, second) = StoreKeys.ParseNameKey(key);
                if (key[0] != StoreKeys.ServiceName && second is null) continue;
                _names.Add(key[0], first, second, p.StartMillis);
            }
        }
    }

    private long NowMillis() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        // Waits for every call in flight to leave its read scope (a write holds one until it is
        // durable), so no encoder is in use after it; taking the write lock first could deadlock with
        // a write that holds its scope and waits for that lock.
        _db.Dispose();
        lock (_allEncoders) foreach (var encoder in _allEncoders) encoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
