using System.Globalization;
using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;
using TraceCollector.Model;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// The RocksDB instance and its time partitions: one column family per period of acceptance
/// ("spans-&lt;start ms&gt;-&lt;end ms&gt;", a UTC day with the default 7-day TTL) holding the span records,
/// index entries and dependency counts written then, so retention drops a whole column family instead
/// of deleting spans one by one. The default column family holds the names.
/// </summary>
internal sealed class PartitionedDb : IDisposable
{
    private const string PartitionPrefix = "spans-";
    private const long MillisPerDay = 86_400_000;

    private readonly DbOptions _dbOptions;
    private readonly ColumnFamilyOptions _cfOptions;
    private readonly string _path;
    private readonly string? _secondaryPath;
    private readonly object _partitionGate = new();
    // Readers hold it shared for one call; a secondary's reopen and Dispose hold it exclusively,
    // so no call ever touches a closed instance.
    private readonly ReaderWriterLockSlim _instanceLock = new(LockRecursionPolicy.SupportsRecursion);
    private bool _disposed;
    private NativeDb _db;
    private volatile Partition[] _partitions = Array.Empty<Partition>(); // newest day first

    private PartitionedDb(string path, string? secondaryPath)
    {
        _path = path;
        _secondaryPath = secondaryPath;
        var cache = Cache.CreateLru(128UL << 20);
        var table = new BlockBasedTableOptions()
            .SetBlockSize(16 * 1024)
            .SetBlockCache(cache)
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(false)
            .SetCacheIndexAndFilterBlocks(true)
            .SetPinL0FilterAndIndexBlocksInCache(true)
            .SetFormatVersion(5);
        _cfOptions = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetPrefixExtractor(SliceTransform.CreateFixedPrefix(StoreKeys.PrefixLength))
            .SetMemtablePrefixBloomSizeRatio(0.05)
            .SetWriteBufferSize(64UL << 20)
            .SetMaxWriteBufferNumber(3)
            .SetLevelCompactionDynamicLevelBytes(true)
            // None where data is rewritten soon (compressing every flush cost the ingest path about 4%
            // of its CPU), the dense one where it settles.
            .SetCompressionPerLevel(new[] { Compression.No, Compression.No, Compression.Lz4, Compression.Zstd, Compression.Zstd, Compression.Zstd, Compression.Zstd }, 7UL)
            .SetUint64addMergeOperator();
        _dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetMaxBackgroundCompactions(2)
            .SetMaxBackgroundFlushes(1)
            .SetKeepLogFileNum(3)
            .SetMaxTotalWalSize(256UL << 20)
            .SetInfoLogLevel(InfoLogLevel.Warn);
        if (secondaryPath is not null) _dbOptions.SetMaxOpenFiles(-1);
        _db = OpenDb();
    }

    public bool IsSecondary => _secondaryPath is not null;

    public NativeDb Db => _db;

    public ColumnFamilyOptions ColumnFamilyOptions => _cfOptions;

    /// <summary>The live partitions, newest day first. A snapshot: a partition dropped meanwhile stays readable through it.</summary>
    public Partition[] Partitions => _partitions;

    public static PartitionedDb OpenPrimary(string path)
    {
        Directory.CreateDirectory(path);
        return new PartitionedDb(path, null);
    }

    public static PartitionedDb OpenSecondary(string primaryPath, string secondaryPath)
    {
        if (!File.Exists(Path.Combine(primaryPath, "CURRENT")))
        {
            throw new DirectoryNotFoundException($"no RocksDB store at {primaryPath} to follow as a secondary");
        }
        Directory.CreateDirectory(secondaryPath);
        return new PartitionedDb(primaryPath, secondaryPath);
    }

    /// <summary>
    /// How long one partition collects writes: an eighth of the TTL, between a minute and a day, so
    /// that data outlives its TTL by at most that much before its partition is dropped.
    /// </summary>
    public static long PartitionLength(TimeSpan ttl) =>
        ttl <= TimeSpan.Zero ? MillisPerDay : Math.Clamp((long)ttl.TotalMilliseconds / 8, 60_000, MillisPerDay);

    /// <summary>The partition accepting writes at <paramref name="nowMillis"/>, created when missing (primary only).</summary>
    public Partition GetOrCreate(long nowMillis, long lengthMillis)
    {
        foreach (var p in _partitions) if (p.Contains(nowMillis)) return p;
        lock (_partitionGate)
        {
            foreach (var p in _partitions) if (p.Contains(nowMillis)) return p;
            long start = Math.Max(nowMillis - nowMillis % lengthMillis, _partitions.Length == 0 ? 0 : _partitions.Max(p => p.EndMillis));
            if (start > nowMillis) start = nowMillis; // a clock that went back: open a short partition from now
            long end = nowMillis - nowMillis % lengthMillis + lengthMillis;
            string name = NameOf(start, end);
            var partition = new Partition(name, start, end, _db.CreateColumnFamily(_cfOptions, name));
            Publish(_partitions.Append(partition));
            return partition;
        }
    }

    /// <summary>Drops every partition that stopped accepting writes at or before <paramref name="cutoffMillis"/>; returns how many.</summary>
    public int DropBefore(long cutoffMillis)
    {
        lock (_partitionGate)
        {
            var keep = new List<Partition>();
            int dropped = 0;
            foreach (var p in _partitions)
            {
                if (p.EndMillis <= cutoffMillis)
                {
                    _db.DropColumnFamily(p.Name);
                    dropped++;
                }
                else keep.Add(p);
            }
            if (dropped > 0) Publish(keep);
            return dropped;
        }
    }

    /// <summary>
    /// Secondary only: replays the primary's new writes. A secondary sees only the column families it
    /// was opened with, so when the primary has added or dropped a day it is reopened instead.
    /// </summary>
    public void CatchUp()
    {
        if (_secondaryPath is null) return;
        lock (_partitionGate)
        {
            var names = ListPartitionNames();
            var current = _partitions.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (names.SetEquals(current))
            {
                _db.TryCatchUpWithPrimary();
                return;
            }
            _instanceLock.EnterWriteLock();
            try
            {
                _db.Dispose();
                _db = OpenDb();
            }
            finally
            {
                _instanceLock.ExitWriteLock();
            }
        }
    }

    /// <summary>Keeps the instance open for the caller's reads; dispose the scope when done.</summary>
    public ReadScope EnterRead()
    {
        _instanceLock.EnterReadLock();
        if (_disposed)
        {
            _instanceLock.ExitReadLock();
            throw new ObjectDisposedException(nameof(RocksDbStorage));
        }
        return new ReadScope(_instanceLock);
    }

    public readonly struct ReadScope : IDisposable
    {
        private readonly ReaderWriterLockSlim _lock;

        public ReadScope(ReaderWriterLockSlim @lock) => _lock = @lock;

        public void Dispose() => _lock.ExitReadLock();
    }

    /// <summary>Every span stored for the trace's low 64 bits, across all partitions, in storage order.</summary>
    public List<Span> ReadGroup(ulong low, ReadOptions readOptions)
    {
        var spans = new List<Span>();
        var prefix = StoreKeys.SpanRecordPrefix(low);
        var db = _db;
        foreach (var p in _partitions)
        {
            using var it = db.NewIterator(p.Handle, readOptions);
            for (it.Seek(prefix); it.Valid(); it.Next())
            {
                var key = it.GetKeySpan();
                if (!key.StartsWith(prefix)) break;
                SpanRecordCodec.Decode(it.GetValueSpan(), spans);
            }
        }
        return spans;
    }

    private NativeDb OpenDb()
    {
        var names = ListPartitionNames();
        var families = new ColumnFamilies(_cfOptions);
        foreach (var name in names) families.Add(name, _cfOptions);
        var db = _secondaryPath is null
            ? NativeDb.Open(_dbOptions, _path, families)
            : NativeDb.OpenAsSecondary(_dbOptions, _path, _secondaryPath, families);
        var partitions = new List<Partition>();
        foreach (var name in names)
        {
            var (start, end) = ParseName(name);
            partitions.Add(new Partition(name, start, end, db.GetColumnFamily(name)));
        }
        Publish(partitions);
        return db;
    }

    private HashSet<string> ListPartitionNames()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (NativeDb.TryListColumnFamilies(_dbOptions, _path, out var names))
        {
            foreach (var n in names) if (n.StartsWith(PartitionPrefix, StringComparison.Ordinal) && n.Count(c => c == '-') == 2) result.Add(n);
        }
        return result;
    }

    private void Publish(IEnumerable<Partition> partitions) =>
        _partitions = partitions.OrderByDescending(p => p.StartMillis).ToArray();

    private static string NameOf(long start, long end) =>
        string.Create(CultureInfo.InvariantCulture, $"{PartitionPrefix}{start}-{end}");

    private static (long Start, long End) ParseName(string name)
    {
        var parts = name.Split('-');
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _instanceLock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _db.Dispose();
        }
        finally
        {
            _instanceLock.ExitWriteLock();
        }
    }
}

/// <summary>A column family that accepted the writes of [<see cref="StartMillis"/>, <see cref="EndMillis"/>).</summary>
internal sealed record Partition(string Name, long StartMillis, long EndMillis, ColumnFamilyHandle Handle)
{
    public bool Contains(long millis) => millis >= StartMillis && millis < EndMillis;
}
