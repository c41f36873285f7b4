using TraceCollector.Model;

namespace TraceCollector.Analysis.NetworkLatency;

/// <summary>
/// The network time of one call (CLIENT → SERVER) or one message (PRODUCER → CONSUMER), in
/// microseconds. For a call: <see cref="RequestLeg"/> = server start − client start,
/// <see cref="ResponseLeg"/> = client end − server end, <see cref="Total"/> = client duration − server
/// duration. For a message only the request leg exists (consumer start − producer start) and the total
/// is that. A figure is null when the spans lack what it needs: no timestamps, no durations, or a
/// server that outlasts its client (the client did not wait, so no response crossed the network).
/// </summary>
public readonly record struct NetworkLatencyPair(
    bool IsMessaging,
    ulong ClientSpanId,
    ulong ServerSpanId,
    string? ClientServiceName,
    string? ServerServiceName,
    long? RequestLeg,
    long? ResponseLeg,
    long? Total);
