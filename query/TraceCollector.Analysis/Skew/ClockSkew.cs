using TraceCollector.Model;

namespace TraceCollector.Analysis.Skew;

/// <summary>
/// How far a host's clock runs ahead of its caller's (microseconds): subtract <see cref="Skew"/>
/// from that host's timestamps to put them on the caller's clock.
/// </summary>
public readonly record struct ClockSkew(Endpoint Host, long Skew)
{
    /// <summary>
    /// The skew visible on one caller → callee pair, as Lens's clock-skew.js detects it, or null.
    /// A CLIENT → SERVER pair shows skew when the server starts no later than its client: with both
    /// durations the server is centred in the client's window (half the difference each way), and
    /// without them, or when the server outlasts the client (the client did not wait), the server is
    /// pushed to 1 µs after the client. Two additions to Lens: a server that starts inside its client's
    /// window but ends after it is centred too (it cannot have answered after the client got the
    /// answer), and a CONSUMER that starts before its PRODUCER is pushed to 1 µs after it (a message
    /// cannot arrive before it was sent).
    /// </summary>
    /// <param name="requireDistinctHosts">
    /// True for correcting a tree, where the skew is applied to a host and so must be one (the callee
    /// has an IP that differs from the caller's). False to estimate one pair's figures on its own.
    /// </param>
    public static long? Detect(Span caller, Span callee, bool requireDistinctHosts)
    {
        bool rpc = caller.Kind == SpanKind.Client && callee.Kind == SpanKind.Server;
        bool messaging = caller.Kind == SpanKind.Producer && callee.Kind == SpanKind.Consumer;
        if (!rpc && !messaging) return null;

        long callerTs = caller.Timestamp, calleeTs = callee.Timestamp;
        if (callerTs == 0 || calleeTs == 0) return null;
        if (requireDistinctHosts && !AreDistinctHosts(caller.LocalEndpoint, callee.LocalEndpoint)) return null;

        if (messaging) return calleeTs > callerTs ? null : calleeTs - callerTs - 1;

        long callerDur = caller.Duration, calleeDur = callee.Duration;
        bool oneWay = callerDur == 0 || calleeDur == 0;
        if (calleeTs > callerTs)
        {
            // Lens stops here; a server that ends after its client is out of line just the same.
            bool endsAfter = !oneWay && calleeTs + calleeDur > callerTs + callerDur;
            if (!endsAfter || callerDur < calleeDur) return null;
        }
        else if (oneWay || callerDur < calleeDur)
        {
            return calleeTs - callerTs - 1;
        }
        long latency = (callerDur - calleeDur) / 2;
        long skew = calleeTs - latency - callerTs;
        return skew == 0 ? null : skew;
    }

    /// <summary>Lens's ipsMatch: same IPv6, or same IPv4; endpoints without addresses never match.</summary>
    public static bool IpsMatch(Endpoint? a, Endpoint? b)
    {
        if (a is null || b is null) return false;
        if (a.Ipv6 is not null && b.Ipv6 is not null && a.Ipv6 == b.Ipv6) return true;
        if (a.Ipv4 is null && b.Ipv4 is null) return false;
        return a.Ipv4 == b.Ipv4;
    }

    // A shift is applied by IP, so the callee needs one, and it must not be the caller's host.
    private static bool AreDistinctHosts(Endpoint? caller, Endpoint? callee) =>
        caller is not null && callee is not null && (callee.Ipv4 is not null || callee.Ipv6 is not null) && !IpsMatch(caller, callee);
}
