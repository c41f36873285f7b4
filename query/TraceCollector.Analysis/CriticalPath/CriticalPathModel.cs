using TraceCollector.Model;

namespace TraceCollector.Analysis.CriticalPath;

/// <summary>
/// A stretch of the critical path, in epoch microseconds, spent in one span's own work. A segment
/// with <see cref="SpanId"/> 0 is a gap between the roots of a trace that has no single root.
/// </summary>
public readonly record struct CriticalPathSegment(ulong SpanId, SpanKind Kind, string? ServiceName, string? Name, long Start, long End)
{
    public long Duration => End - Start;
}

/// <summary>How much of the critical path one span accounts for (its own work, not its children's).</summary>
public readonly record struct CriticalPathSelfTime(ulong SpanId, SpanKind Kind, string? ServiceName, string? Name, long SelfTime);

/// <summary>
/// The critical path of one trace: chronological segments covering [<see cref="Start"/>, <see cref="End"/>],
/// the root's window, exactly once; their durations sum to <see cref="Duration"/>.
/// </summary>
public sealed record CriticalPathResult(long Start, long End, IReadOnlyList<CriticalPathSegment> Segments, IReadOnlyList<CriticalPathSelfTime> SelfTimes)
{
    public long Duration => End - Start;

    public static readonly CriticalPathResult Empty = new(0, 0, Array.Empty<CriticalPathSegment>(), Array.Empty<CriticalPathSelfTime>());
}
