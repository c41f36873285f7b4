using System.Runtime.InteropServices;
using TraceCollector.Analysis.NetworkLatency;
using TraceCollector.Model;

namespace TraceCollector.Analysis.Aggregation;

/// <summary>One (client service, server service) edge: how many calls were measured and the p50/p90/p99 of their network time.</summary>
public sealed record NetworkLatencyEdge(string ClientServiceName, string ServerServiceName, bool IsMessaging, int CallCount, Percentiles NetworkTime);

/// <summary>
/// Network time per edge across traces. Only pairs with a total count (one-way calls and those
/// without durations have none), and only when both services are known, as for dependency links.
/// </summary>
public sealed class NetworkLatencyAggregate
{
    private readonly Dictionary<(string, string), NetworkLatencyEdge> _byEdge;

    private NetworkLatencyAggregate(int traceCount, IReadOnlyList<NetworkLatencyEdge> edges)
    {
        TraceCount = traceCount;
        Edges = edges;
        _byEdge = new Dictionary<(string, string), NetworkLatencyEdge>(edges.Count);
        foreach (var edge in edges) _byEdge.TryAdd((edge.ClientServiceName, edge.ServerServiceName), edge);
    }

    public int TraceCount { get; }

    /// <summary>Sorted by client service, then server service.</summary>
    public IReadOnlyList<NetworkLatencyEdge> Edges { get; }

    /// <summary>The edge for a dependency link's (parent, child), to report its latency beside the link's counts.</summary>
    public bool TryGetEdge(string clientServiceName, string serverServiceName, out NetworkLatencyEdge edge) =>
        _byEdge.TryGetValue((clientServiceName, serverServiceName), out edge!);

    public static NetworkLatencyAggregate Of(IEnumerable<IReadOnlyList<Span>> traces)
    {
        var figures = new FigureCollector<(string, string, bool)>();
        int traceCount = 0;
        foreach (var trace in traces)
        {
            traceCount++;
            foreach (var pair in TraceAnalysis.NetworkLatency(trace))
            {
                if (pair.Total is not { } total || pair.ClientServiceName is null || pair.ServerServiceName is null) continue;
                figures.Add((pair.ClientServiceName, pair.ServerServiceName, pair.IsMessaging), total);
            }
        }
        var edges = new List<NetworkLatencyEdge>();
        foreach (var ((client, server, messaging), totals) in figures.Entries)
        {
            edges.Add(new NetworkLatencyEdge(client, server, messaging, totals.Count, Percentiles.Of(CollectionsMarshal.AsSpan(totals))));
        }
        edges.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.ClientServiceName, b.ClientServiceName);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.ServerServiceName, b.ServerServiceName);
            return c != 0 ? c : a.IsMessaging.CompareTo(b.IsMessaging);
        });
        return new NetworkLatencyAggregate(traceCount, edges);
    }
}
