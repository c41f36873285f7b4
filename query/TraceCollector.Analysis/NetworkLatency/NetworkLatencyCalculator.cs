using TraceCollector.Analysis.Skew;
using TraceCollector.Analysis.Tree;
using TraceCollector.Model;

namespace TraceCollector.Analysis.NetworkLatency;

/// <summary>
/// Finds every CLIENT with its SERVER (the shared span with its id, else its first SERVER child) and
/// every PRODUCER with each of its CONSUMER children, and measures the network time between them.
/// </summary>
public static class NetworkLatencyCalculator
{
    /// <param name="tree">The skew-corrected tree (<see cref="TraceAnalysis"/>). A pair the tree
    /// correction could not fix (no IPs, or both ends on one IP) is put into line on its own by the
    /// same rule, so that no figure comes out negative.</param>
    public static IReadOnlyList<NetworkLatencyPair> Measure(SpanTree tree)
    {
        var pairs = new List<NetworkLatencyPair>();
        foreach (int node in tree.TopDown)
        {
            var caller = tree.SpanAt(node);
            if (caller is null) continue;
            if (caller.Kind == SpanKind.Client)
            {
                if (FindServer(tree, node, caller) is { } server) pairs.Add(Measure(caller, server));
            }
            else if (caller.Kind == SpanKind.Producer)
            {
                foreach (int c in tree.ChildrenOf(node))
                {
                    var consumer = tree.SpanAt(c)!;
                    if (consumer.Kind == SpanKind.Consumer) pairs.Add(Measure(caller, consumer));
                }
            }
        }
        return pairs;
    }

    /// <summary>The figures of one caller → callee pair, with the pair's own skew (if any) taken out.</summary>
    public static NetworkLatencyPair Measure(Span caller, Span callee)
    {
        bool messaging = caller.Kind == SpanKind.Producer;
        string? callerService = caller.LocalServiceName;
        string? calleeService = callee.LocalServiceName ?? caller.RemoteServiceName;
        if (caller.Timestamp == 0 || callee.Timestamp == 0)
        {
            return new NetworkLatencyPair(messaging, caller.Id, callee.Id, callerService, calleeService, null, null, null);
        }
        long calleeTs = callee.Timestamp - (ClockSkew.Detect(caller, callee, requireDistinctHosts: false) ?? 0);
        long request = calleeTs - caller.Timestamp;
        if (messaging) return new NetworkLatencyPair(true, caller.Id, callee.Id, callerService, calleeService, request, null, request);

        long? response = null, total = null;
        if (caller.Duration != 0 && callee.Duration != 0 && caller.Duration >= callee.Duration)
        {
            total = caller.Duration - callee.Duration;
            response = caller.Timestamp + caller.Duration - (calleeTs + callee.Duration);
        }
        return new NetworkLatencyPair(false, caller.Id, callee.Id, callerService, calleeService, request, response, total);
    }

    private static Span? FindServer(SpanTree tree, int clientNode, Span client)
    {
        Span? firstServer = null;
        foreach (int c in tree.ChildrenOf(clientNode))
        {
            var child = tree.SpanAt(c)!;
            if (child.Kind != SpanKind.Server) continue;
            if (child.Id == client.Id) return child;
            firstServer ??= child;
        }
        return firstServer;
    }
}
