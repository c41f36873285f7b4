namespace TraceCollector.Storage.RocksDb;

/// <summary>An entry of a per-second block (<see cref="IndexPostings"/>, <see cref="DependencyDeltas"/>).</summary>
internal interface ITimedEntry
{
    long Millis { get; }
}

/// <summary>Cuts entries ordered by time into the runs that share one second: one block each.</summary>
internal static class SecondRuns
{
    /// <summary>The end (exclusive) of the run of entries that share <paramref name="start"/>'s second.</summary>
    public static int EndOfRun<T>(ReadOnlySpan<T> entries, int start) where T : struct, ITimedEntry
    {
        long second = entries[start].Millis / 1000;
        int end = start + 1;
        while (end < entries.Length && entries[end].Millis / 1000 == second) end++;
        return end;
    }
}
