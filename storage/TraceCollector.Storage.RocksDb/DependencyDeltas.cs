using System.Buffers.Binary;
using System.Runtime.InteropServices;
using RocksDbSharp;

namespace TraceCollector.Storage.RocksDb;

/// <summary>
/// A batch's changes to the dependency links, summed before they are written: per minute (one merge
/// counter per link, calls and errors apart), which a long window sums, and per trace millisecond in
/// one block per second, which the partial minutes at a window's edges read, so a window is exact to
/// the millisecond. Summing over the batch turns a counter per link and trace into one per link.
/// </summary>
internal sealed class DependencyDeltas
{
    private readonly Dictionary<(uint Minute, string Parent, string Child), (long Calls, long Errors)> _perMinute = new(MinuteLinkComparer.Instance);
    private readonly List<LinkChange> _perMillis = new();
    private readonly byte[] _counter = new byte[8];

    public void Clear()
    {
        _perMinute.Clear();
        _perMillis.Clear();
    }

    public void Add(long traceMillis, string parent, string child, long calls, long errors)
    {
        if (calls == 0 && errors == 0) return;
        ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_perMinute, ((uint)(traceMillis / 60_000), parent, child), out _);
        sum = (sum.Calls + calls, sum.Errors + errors);
        _perMillis.Add(new LinkChange(traceMillis, parent, child, calls, errors));
    }

    public void WriteTo(WriteBatch batch, ColumnFamilyHandle family, ByteWriter key, ByteWriter value)
    {
        foreach (var ((minute, parent, child), (calls, errors)) in _perMinute)
        {
            for (int e = 0; e < 2; e++)
            {
                long delta = e == 0 ? calls : errors;
                if (delta == 0) continue;
                key.Clear();
                StoreKeys.WriteDependencyKey(key, minute, e == 1, parent, child);
                // The uint64add merge operator adds little-endian 64-bit values; a negative delta wraps correctly.
                BinaryPrimitives.WriteInt64LittleEndian(_counter, delta);
                batch.Merge(key.Written, _counter, family);
            }
        }

        var entries = CollectionsMarshal.AsSpan(_perMillis);
        entries.Sort(static (a, b) => a.Millis.CompareTo(b.Millis));
        int start = 0;
        while (start < entries.Length)
        {
            long second = entries[start].Millis / 1000;
            int end = SecondRuns.EndOfRun<LinkChange>(entries, start);
            value.Clear();
            value.WriteVarint((ulong)(end - start));
            foreach (ref readonly var d in entries[start..end])
            {
                value.WriteVarint((ulong)(d.Millis - second * 1000));
                value.WriteString(d.Parent);
                value.WriteString(d.Child);
                value.WriteSignedVarint(d.Calls);
                value.WriteSignedVarint(d.Errors);
            }
            key.Clear();
            // A redelivered batch changes no link, so it writes no block; the hash keeps blocks of one second apart.
            StoreKeys.WriteTraceDependencyKey(key, second, StableHash.Of(value.Written));
            batch.Put(key.Written, value.Written, family);
            start = end;
        }
        Clear();
    }

    /// <summary>Calls <paramref name="add"/> for each change in a per-second block whose millisecond is within the window.</summary>
    public static void ReadBlock(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long startMillis, long endMillis,
        Action<string, string, long, long> add)
    {
        long baseMillis = (long)BinaryPrimitives.ReadUInt64BigEndian(key.Slice(1, 8)) * 1000;
        var reader = new ByteReader(value);
        for (long n = (long)reader.ReadVarint(); n > 0; n--)
        {
            long millis = baseMillis + (long)reader.ReadVarint();
            string parent = reader.ReadString(), child = reader.ReadString();
            long calls = reader.ReadSignedVarint(), errors = reader.ReadSignedVarint();
            if (millis >= startMillis && millis <= endMillis) add(parent, child, calls, errors);
        }
    }
}

/// <summary>One trace's change to one link, at the trace's millisecond.</summary>
internal readonly record struct LinkChange(long Millis, string Parent, string Child, long Calls, long Errors) : ITimedEntry;
