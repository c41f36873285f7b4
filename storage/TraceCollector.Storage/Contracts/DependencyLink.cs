namespace TraceCollector.Storage;

/// <summary>Calls from one service to another, as Zipkin's DependencyLinker counts them.</summary>
public sealed record DependencyLink(string Parent, string Child, long CallCount, long ErrorCount);
