namespace TraceCollector.Storage.Tests.Conformance;

/// <summary>A clock tests move by hand, so retention can be tested without waiting.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
