using System.Buffers.Binary;
using System.Runtime.InteropServices;
using RocksDbSharp;

namespace TraceCollector.Storage.RocksDb;

/// <summary>One index entry: a trace (low 64 bits) under a term at the trace's millisecond, with the
/// durations a duration filter needs.</summary>
internal readonly record struct Posting(ulong Term, long Millis, ulong Low, long MaxDuration, long MinDuration) : ITimedEntry;

/// <summary>
/// A batch's index entries, written as one block per term and second of trace time rather than one
/// key per term and trace. RocksDB's cost is per key (memtable insert, write-ahead record, compaction),
/// and the traces of one batch share most of their services, names and tags, so a block carries many
/// entries under one key. A search reads all blocks of a second together and orders their entries
/// itself, which keeps results newest first across blocks and partitions.
/// </summary>
internal sealed class IndexPostings
{
    private readonly Dictionary<ulong, List<Posting>> _byTerm = new();
    private readonly Stack<List<Posting>> _spareLists = new();

    public void Clear()
    {
        foreach (var list in _byTerm.Values) Recycle(list);
        _byTerm.Clear();
    }

    public void Add(ulong term, long millis, ulong low, long maxDuration, long minDuration)
    {
        if (!_byTerm.TryGetValue(term, out var list))
        {
            list = _spareLists.Count > 0 ? _spareLists.Pop() : new List<Posting>();
            _byTerm.Add(term, list);
        }
        list.Add(new Posting(term, millis, low, maxDuration, minDuration));
    }

    /// <summary>Puts the pending entries as blocks into <paramref name="batch"/>, then forgets them.</summary>
    public void WriteTo(WriteBatch batch, ColumnFamilyHandle family, ByteWriter key, ByteWriter value)
    {
        foreach (var (term, list) in _byTerm)
        {
            var entries = CollectionsMarshal.AsSpan(list);
            // A batch's traces mostly share one second; only a term spread over several is sorted into runs.
            if (!InOneSecond(entries)) entries.Sort(static (a, b) => b.Millis.CompareTo(a.Millis));
            int start = 0;
            while (start < entries.Length)
            {
                long second = entries[start].Millis / 1000;
                int end = SecondRuns.EndOfRun<Posting>(entries, start);
                value.Clear();
                value.WriteVarint((ulong)(end - start));
                foreach (ref readonly var e in entries[start..end])
                {
                    value.WriteVarint((ulong)(e.Millis - second * 1000));
                    value.WriteUInt64BigEndian(e.Low);
                    value.WriteVarint((ulong)Math.Max(0, e.MaxDuration));
                    value.WriteVarint((ulong)Math.Max(0, e.MinDuration));
                }
                key.Clear();
                // The content hash tells blocks of one second apart; a redelivered batch rewrites the same keys.
                StoreKeys.WriteIndexBlockKey(key, term, second, StableHash.Of(value.Written));
                batch.Put(key.Written, value.Written, family);
                start = end;
            }
        }
        Clear();
    }

    private static bool InOneSecond(ReadOnlySpan<Posting> entries)
    {
        long second = entries[0].Millis / 1000;
        foreach (ref readonly var e in entries) if (e.Millis / 1000 != second) return false;
        return true;
    }

    private void Recycle(List<Posting> list)
    {
        list.Clear();
        _spareLists.Push(list);
    }

    /// <summary>Appends the entries of the block stored under <paramref name="key"/>.</summary>
    public static void ReadBlock(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, List<Posting> into)
    {
        ulong term = BinaryPrimitives.ReadUInt64BigEndian(key.Slice(1, 8));
        long baseMillis = StoreKeys.SecondOfIndexBlockKey(key) * 1000;
        var reader = new ByteReader(value);
        for (long n = (long)reader.ReadVarint(); n > 0; n--)
        {
            long millis = baseMillis + (long)reader.ReadVarint();
            ulong low = BinaryPrimitives.ReadUInt64BigEndian(reader.ReadBytes(8));
            long max = (long)reader.ReadVarint(), min = (long)reader.ReadVarint();
            into.Add(new Posting(term, millis, low, max, min));
        }
    }
}
