using System.Diagnostics;

namespace TraceCollector.Collector.Metrics;

/// <summary>
/// A fixed-bucket latency histogram in seconds, updated lock-free from any thread and rendered as a
/// Prometheus histogram (cumulative buckets, sum, count).
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds: storage writes range from sub-millisecond (memory) to seconds (a slow disk or cluster).</summary>
    public static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _buckets = new long[Bounds.Length + 1];
    private long _count, _sumTicks, _maxTicks;

    public long Count => Volatile.Read(ref _count);

    public double SumSeconds => Volatile.Read(ref _sumTicks) / (double)Stopwatch.Frequency;

    public double MaxSeconds => Volatile.Read(ref _maxTicks) / (double)Stopwatch.Frequency;

    public void Record(long elapsedStopwatchTicks)
    {
        double seconds = elapsedStopwatchTicks / (double)Stopwatch.Frequency;
        int i = 0;
        while (i < Bounds.Length && seconds > Bounds[i]) i++;
        Interlocked.Increment(ref _buckets[i]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumTicks, elapsedStopwatchTicks);
        long max;
        while (elapsedStopwatchTicks > (max = Volatile.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, elapsedStopwatchTicks, max) != max) { }
    }

    /// <summary>Observations at or below <see cref="Bounds"/>[i], cumulative; the last entry is +Inf.</summary>
    public long[] CumulativeBuckets()
    {
        var result = new long[_buckets.Length];
        long running = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            running += Volatile.Read(ref _buckets[i]);
            result[i] = running;
        }
        return result;
    }
}
