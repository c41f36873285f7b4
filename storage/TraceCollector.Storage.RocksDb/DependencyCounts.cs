using System.Buffers.Binary;
using System.Text;
using RocksDbSharp;
using NativeDb = RocksDbSharp.RocksDb;

namespace TraceCollector.Storage.RocksDb;

/// <summary>Sums the stored dependency counters of a window into links.</summary>
internal sealed class DependencyCounts
{
    private readonly Dictionary<(string, string), (long Calls, long Errors)> _sums = new();
    private readonly Action<string, string, long, long> _addChange;

    public DependencyCounts() => _addChange = AddChange;

    /// <summary>The per-minute counters of minutes <paramref name="first"/> to <paramref name="last"/>, inclusive.</summary>
    public void AddMinutes(NativeDb db, ColumnFamilyHandle family, ReadOptions read, uint first, uint last)
    {
        using var it = db.NewIterator(family, read);
        for (it.Seek(StoreKeys.DependencyBound(first)); it.Valid(); it.Next())
        {
            var key = it.GetKeySpan();
            if (key[0] != StoreKeys.DependencyCount || BinaryPrimitives.ReadUInt32BigEndian(key[1..5]) > last) break;
            Add(key[5] == 1, key[6..], it.GetValueSpan());
        }
    }

    /// <summary>The per-trace changes of traces whose timestamp is within [<paramref name="startMillis"/>, <paramref name="endMillis"/>].</summary>
    public void AddTraces(NativeDb db, ColumnFamilyHandle family, ReadOptions read, long startMillis, long endMillis)
    {
        if (endMillis < startMillis) return;
        using var it = db.NewIterator(family, read);
        for (it.Seek(StoreKeys.TraceDependencyBound(startMillis / 1000)); it.Valid(); it.Next())
        {
            var key = it.GetKeySpan();
            if (key[0] != StoreKeys.TraceDependencyCount || (long)BinaryPrimitives.ReadUInt64BigEndian(key[1..9]) > endMillis / 1000) break;
            DependencyDeltas.ReadBlock(key, it.GetValueSpan(), startMillis, endMillis, _addChange);
        }
    }

    private void AddChange(string parent, string child, long calls, long errors)
    {
        var sum = _sums.GetValueOrDefault((parent, child));
        _sums[(parent, child)] = (sum.Calls + calls, sum.Errors + errors);
    }

    private void Add(bool errors, ReadOnlySpan<byte> names, ReadOnlySpan<byte> value)
    {
        int zero = names.IndexOf((byte)0);
        var link = (Encoding.UTF8.GetString(names[..zero]), Encoding.UTF8.GetString(names[(zero + 1)..]));
        long count = BinaryPrimitives.ReadInt64LittleEndian(value);
        var sum = _sums.GetValueOrDefault(link);
        _sums[link] = errors ? (sum.Calls, sum.Errors + count) : (sum.Calls + count, sum.Errors);
    }

    /// <summary>Links with at least one call, sorted by parent then child.</summary>
    public IReadOnlyList<DependencyLink> ToLinks()
    {
        var result = new List<DependencyLink>(_sums.Count);
        foreach (var ((parent, child), (calls, errors)) in _sums)
        {
            if (calls > 0) result.Add(new DependencyLink(parent, child, calls, errors));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Parent, b.Parent) is var c && c != 0 ? c : string.CompareOrdinal(a.Child, b.Child));
        return result;
    }
}
