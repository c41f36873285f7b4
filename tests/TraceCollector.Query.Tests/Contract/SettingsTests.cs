using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TraceCollector.Model;
using TraceCollector.Query.Tests.Infrastructure;
using TraceCollector.Storage;
using TraceCollector.Storage.InMemory;

namespace TraceCollector.Query.Tests.Contract;

/// <summary>SEARCH_ENABLED, QUERY_ENABLED, QUERY_LOOKBACK and QUERY_TIMEOUT as Zipkin's server applies them.</summary>
public sealed class SettingsTests
{
    private readonly SampleTraces _traces = new(DateTimeOffset.UtcNow);

    [Theory]
    [InlineData("api/v2/services")]
    [InlineData("api/v2/spans?serviceName=backend")]
    [InlineData("api/v2/remoteServices?serviceName=backend")]
    [InlineData("api/v2/traces")]
    [InlineData("zipkin/api/v2/traces?serviceName=frontend")]
    [InlineData("api/v2/autocompleteValues?key=http.method")]
    public async Task SearchDisabled_SearchEndpointsAnswerEmptyLists(string path)
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { ["SEARCH_ENABLED"] = "false" });
        var response = await server.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("[]", response.Body);
    }

    [Fact]
    public async Task SearchDisabled_TraceByIdTraceManyAndDependenciesStillWork()
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { ["SEARCH_ENABLED"] = "false" });
        var trace = await server.Client.GetApiAsync("api/v2/trace/1000000000000002");
        var many = await server.Client.GetApiAsync("api/v2/traceMany?traceIds=1000000000000002,1000000000000003");
        var links = await server.Client.GetApiAsync($"api/v2/dependencies?endTs={_traces.NowMillis}");

        Assert.Equal(HttpStatusCode.OK, trace.Status);
        Assert.Equal(2, TraceSearchTests.TraceIds(many.Body).Length);
        Assert.Contains("\"mysql\"", links.Body);
    }

    [Theory]
    [InlineData("api/v2/services")]
    [InlineData("zipkin/api/v2/traces")]
    [InlineData("api/v2/trace/1000000000000002")]
    [InlineData("zipkin/config.json")]
    public async Task QueryDisabled_RoutesAre404(string path)
    {
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { ["QUERY_ENABLED"] = "false" });
        var response = await server.Client.GetApiAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task QueryLookback_IsTheDefaultLookbackOfTracesAndDependencies()
    {
        // 25 s back from now reaches the messaging (20 s ago) and 128-bit (10 s ago) traces only.
        await using var server = await SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { ["QUERY_LOOKBACK"] = "25000" });
        var traces = await server.Client.GetApiAsync("api/v2/traces");
        var links = await server.Client.GetApiAsync($"api/v2/dependencies?endTs={_traces.NowMillis}");

        Assert.Equal(new[] { SampleTraces.WideTraceId.ToString(), SampleTraces.WorkerTraceId.ToString() }.Order(), TraceSearchTests.TraceIds(traces.Body).Order());
        Assert.DoesNotContain("mysql", links.Body);
        Assert.Contains("kafka", links.Body);
    }

    [Fact]
    public async Task QueryTimeout_AStuckQueryIsAnsweredWithARetryableError()
    {
        var storage = new InMemoryStorage(new StorageOptions());
        var stuck = new StuckTraceReader();
        await using var server = await QueryTestServer.StartAsync(services =>
        {
            services.AddSingleton<ISpanStorage>(storage);
            services.AddSingleton<ITraceReader>(stuck);
        }, new Dictionary<string, string?> { ["QUERY_TIMEOUT"] = "200ms" });

        var response = await server.Client.GetApiAsync("api/v2/traces?serviceName=frontend");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Contains("QUERY_TIMEOUT", response.Body);
        Assert.True(stuck.SawCancellation.Task.IsCompleted, "the storage call was not cancelled");
    }

    [Theory]
    [InlineData("QUERY_LOOKBACK", "a day")]
    [InlineData("QUERY_TIMEOUT", "soon")]
    [InlineData("SEARCH_ENABLED", "nope")]
    [InlineData("ZIPKIN_UI_QUERY_LIMIT", "0")]
    public async Task UnreadableSetting_StopsStartUpNamingTheVariable(string name, string value)
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SiteFixture.StartAsync(_traces, new Dictionary<string, string?> { [name] = value }));

        Assert.Contains(name, e.Message);
    }

    /// <summary>Never answers until cancelled, as a storage backend that lost its cluster might.</summary>
    private sealed class StuckTraceReader : ITraceReader
    {
        public TaskCompletionSource SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<IReadOnlyList<Span>> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<IReadOnlyList<Span>>> GetTracesAsync(IReadOnlyList<TraceId> traceIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async ValueTask<IReadOnlyList<IReadOnlyList<Span>>> FindTracesAsync(QueryRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation.TrySetResult();
                throw;
            }
            throw new InvalidOperationException("unreachable");
        }
    }
}
