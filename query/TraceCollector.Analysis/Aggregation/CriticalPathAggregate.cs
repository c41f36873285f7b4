using System.Runtime.InteropServices;
using TraceCollector.Analysis.CriticalPath;
using TraceCollector.Model;

namespace TraceCollector.Analysis.Aggregation;

/// <summary>
/// One (service, span name) across traces: its share of all critical-path time, and the p50/p90/p99
/// of the time it spends on the path of a trace whose path it is on.
/// </summary>
public sealed record CriticalPathOperation(string? ServiceName, string? SpanName, int TraceCount, long TotalTime, double Share, Percentiles TimeOnPath);

/// <summary>The critical paths of many traces, summed by (service, span name), largest share first: what to optimise first.</summary>
public sealed record CriticalPathAggregate(int TraceCount, long TotalTime, IReadOnlyList<CriticalPathOperation> Operations)
{
    public static CriticalPathAggregate Of(IEnumerable<IReadOnlyList<Span>> traces)
    {
        var perOperation = new FigureCollector<(string?, string?)>();
        var inTrace = new Dictionary<(string?, string?), long>();
        int traceCount = 0;
        long totalTime = 0;
        foreach (var trace in traces)
        {
            var path = TraceAnalysis.CriticalPath(trace);
            if (path.Duration == 0) continue;
            traceCount++;
            totalTime += path.Duration;
            inTrace.Clear();
            foreach (var self in path.SelfTimes)
            {
                // Gaps between the roots of a rootless trace count towards the total, but are nobody's work.
                if (self.SpanId == 0) continue;
                ref long time = ref CollectionsMarshal.GetValueRefOrAddDefault(inTrace, (self.ServiceName, self.Name), out _);
                time += self.SelfTime;
            }
            foreach (var (key, time) in inTrace) perOperation.Add(key, time);
        }

        var operations = new List<CriticalPathOperation>();
        foreach (var ((service, name), times) in perOperation.Entries)
        {
            long sum = 0;
            foreach (long t in times) sum += t;
            double share = totalTime == 0 ? 0 : (double)sum / totalTime;
            operations.Add(new CriticalPathOperation(service, name, times.Count, sum, share, Percentiles.Of(CollectionsMarshal.AsSpan(times))));
        }
        operations.Sort(static (a, b) =>
        {
            int c = b.TotalTime.CompareTo(a.TotalTime);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.ServiceName, b.ServiceName);
            return c != 0 ? c : string.CompareOrdinal(a.SpanName, b.SpanName);
        });
        return new CriticalPathAggregate(traceCount, totalTime, operations);
    }
}
