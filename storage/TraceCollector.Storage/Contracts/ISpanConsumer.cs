using TraceCollector.Model;

namespace TraceCollector.Storage;

/// <summary>Accepts spans into storage.</summary>
public interface ISpanConsumer
{
    /// <summary>
    /// Stores a batch. The returned task completes only once every span of the batch is durable
    /// (it survives a crash of this process); a fault means none of it may be assumed stored.
    /// </summary>
    ValueTask AcceptAsync(IReadOnlyList<Span> spans, CancellationToken cancellationToken = default);
}
