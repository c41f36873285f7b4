namespace TraceCollector.Storage;

/// <summary>
/// A storage backend: everything a collector and a query service need from it. Composition roots
/// pass on only the part each component uses (a collector gets <see cref="ISpanConsumer"/>).
/// </summary>
public interface ISpanStorage : ISpanConsumer, ITraceReader, INameReader, IAutocompleteReader, IDependencyReader, IStorageHealthCheck, IAsyncDisposable
{
}
