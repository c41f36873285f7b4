namespace TraceCollector.Storage;

/// <summary>Tag keys and values offered for annotation queries; only the configured AUTOCOMPLETE_KEYS are indexed.</summary>
public interface IAutocompleteReader
{
    ValueTask<IReadOnlyList<string>> GetKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Sorted values seen for the key; empty when the key is not configured.</summary>
    ValueTask<IReadOnlyList<string>> GetValuesAsync(string key, CancellationToken cancellationToken = default);
}
