using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;

namespace TraceCollector.Query.Tests.Infrastructure;

/// <summary>One server over the in-memory store holding <see cref="SampleTraces"/>, shared by the read-only contract tests.</summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public static readonly string[] AutocompleteKeys = ["http.method", "environment"];

    private QueryTestServer? _server;

    internal SampleTraces Traces { get; } = new(DateTimeOffset.UtcNow);

    internal QueryTestServer Server => _server ?? throw new InvalidOperationException("fixture not started");

    internal HttpClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await StartAsync(Traces, new Dictionary<string, string?>());

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>A server over a fresh in-memory store holding the sample traces, with the given settings.</summary>
    internal static async Task<QueryTestServer> StartAsync(SampleTraces traces, IReadOnlyDictionary<string, string?> settings, StorageOptions? storageOptions = null)
    {
        var storage = new InMemoryStorage(storageOptions ?? new StorageOptions { AutocompleteKeys = AutocompleteKeys });
        foreach (var trace in traces.All) await storage.AcceptAsync(trace);
        return await QueryTestServer.StartAsync(services => services.AddSingleton<ISpanStorage>(storage), settings);
    }
}
