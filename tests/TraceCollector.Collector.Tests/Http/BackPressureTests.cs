using System.Net;
using TraceCollector.Codecs;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Http;

public sealed class BackPressureTests
{
    [Fact]
    public async Task AStalledStoreGivesA503WithRetryAfterCountsTheDropAndEveryAcceptedSpanLands()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store, new Dictionary<string, string?>
        {
            ["COLLECTOR_QUEUE_SPANS"] = "30",
            ["COLLECTOR_ADMISSION_WAIT_MS"] = "20",
            ["COLLECTOR_WRITERS"] = "1",
            ["COLLECTOR_LINGER_MS"] = "0",
        });
        store.Block();
        try
        {
            await OverloadAsync(host, store);
        }
        finally
        {
            store.Open();
        }
    }

    private static async Task OverloadAsync(CollectorHost host, RecordingStore store)
    {
        var accepted = new List<Span>();
        var pending = new List<Task<HttpResponseMessage>>();
        var first = TestSpans.Batch(10);
        pending.Add(host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(first), "application/json")));
        accepted.AddRange(first);
        Assert.True(await store.WaitForWriteStartAsync());

        // Durable acknowledgement: the admitted requests wait for the store; the refused ones are answered
        // after the admission wait. The writer holds the first batch and the queue takes 30 spans more.
        HttpResponseMessage? refused = null;
        for (int i = 0; i < 5 && refused is null; i++)
        {
            var batch = TestSpans.Batch(10);
            var post = host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(batch), "application/json"));
            await WaitUntilAsync(() => post.IsCompleted || host.Service<Metrics.PipelineMetrics>().QueuedSpans >= (i + 1) * 10);
            if (post.IsCompleted) refused = await post;
            else
            {
                pending.Add(post);
                accepted.AddRange(batch);
            }
        }
        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(4, pending.Count);
        Assert.Equal(10, host.Metrics.For("http").SpansDropped);
        Assert.Equal(1, host.Metrics.For("http").MessagesDropped);

        store.Open();
        foreach (var response in await Task.WhenAll(pending)) Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(accepted.OrderBy(s => s.Id), store.StoredSpans().OrderBy(s => s.Id));
    }

    [Fact]
    public async Task AStorageFailureIsA503AndTheNextRequestIsStored()
    {
        var store = new RecordingStore();
        await using var host = await CollectorHost.StartAsync(store);
        store.FailWith(new InvalidOperationException("store offline"));

        var failed = await host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(TestSpans.Batch(2)), "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.NotNull(failed.Headers.RetryAfter);
        Assert.Contains("store offline", await failed.Content.ReadAsStringAsync());

        store.FailWith(null);
        var spans = TestSpans.Batch(2);
        var stored = await host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(spans), "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        Assert.Equal(spans, store.StoredSpans());
    }

    [Fact]
    public async Task AcceptedModeAnswersBeforeTheStoreAndShutdownStillWritesItAll()
    {
        var store = new RecordingStore();
        var host = await CollectorHost.StartAsync(store, new Dictionary<string, string?> { ["COLLECTOR_ACK"] = "accepted" });
        store.Block();
        var accepted = new List<Span>();
        for (int i = 0; i < 10; i++)
        {
            var batch = TestSpans.Batch(5);
            var response = await host.Client.PostAsync("api/v2/spans", Bodies.Content(JsonV2Encoder.EncodeList(batch), "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.AddRange(batch);
        }
        Assert.Equal(0, store.WriteCount);

        var stop = host.StopAsync();
        store.Open();
        await stop.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(accepted.OrderBy(s => s.Id), store.StoredSpans().OrderBy(s => s.Id));
        await host.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(5);
        }
    }
}
