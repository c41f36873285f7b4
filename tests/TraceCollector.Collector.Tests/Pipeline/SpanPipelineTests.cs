using TraceCollector.Collector.Pipeline;
using TraceCollector.Collector.Tests.Support;
using TraceCollector.Model;

namespace TraceCollector.Collector.Tests.Pipeline;

public sealed class SpanPipelineTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DurableSubmitCompletesOnlyOnceTheStoreHasWrittenIt()
    {
        var store = new RecordingStore();
        store.Block();
        var (pipeline, _, _) = PipelineFactory.Start(store, new CollectorOptions { Linger = TimeSpan.Zero });
        await using var _ = pipeline;

        var batch = TestSpans.Batch(3);
        var submit = pipeline.SubmitAsync(batch, "http", waitForDurable: true).AsTask();
        Assert.True(await store.WaitForWriteStartAsync());
        Assert.False(submit.IsCompleted);

        store.Open();
        var result = await submit.WaitAsync(Generous);
        Assert.Equal(SubmitOutcome.Stored, result.Outcome);
        Assert.Equal(3, result.Kept);
        Assert.Equal(batch, store.StoredSpans());
    }

    [Fact]
    public async Task AcceptedSubmitCompletesOnEnqueueWhileTheWriteIsStillPending()
    {
        var store = new RecordingStore();
        store.Block();
        var (pipeline, _, _) = PipelineFactory.Start(store, new CollectorOptions { Ack = AckMode.Accepted, Linger = TimeSpan.Zero });
        await using var _ = pipeline;

        var result = await pipeline.SubmitAsync(TestSpans.Batch(2), "http", waitForDurable: false).AsTask().WaitAsync(Generous);
        Assert.Equal(SubmitOutcome.Stored, result.Outcome);
        Assert.True(await store.WaitForWriteStartAsync());
        Assert.Equal(0, store.WriteCount);
        store.Open();
    }

    [Fact]
    public async Task BatchesQueuedDuringAWriteShareTheNextWrite()
    {
        var store = new RecordingStore();
        store.Block();
        var (pipeline, _, pipelineMetrics) = PipelineFactory.Start(store, new CollectorOptions { Writers = 1, Linger = TimeSpan.Zero });
        await using var _ = pipeline;

        var first = pipeline.SubmitAsync(TestSpans.Batch(1), "http", true).AsTask();
        Assert.True(await store.WaitForWriteStartAsync());
        var waiting = new List<Task<SubmitResult>>();
        for (int i = 0; i < 10; i++) waiting.Add(pipeline.SubmitAsync(TestSpans.Batch(5), "http", true).AsTask());
        Assert.Equal(50, pipelineMetrics.QueuedSpans);

        store.Open();
        await first.WaitAsync(Generous);
        var results = await Task.WhenAll(waiting).WaitAsync(Generous);
        Assert.All(results, r => Assert.Equal(SubmitOutcome.Stored, r.Outcome));
        Assert.Equal(2, store.WriteCount);
        Assert.Equal(51, store.StoredSpans().Count);
        Assert.Equal(2, pipelineMetrics.Writes);
        Assert.Equal(51, pipelineMetrics.SpansWritten);
        Assert.Equal(0, pipelineMetrics.QueuedSpans);
    }

    [Fact]
    public async Task AFullPipelineRejectsAfterTheAdmissionWaitAndCountsTheDropWhileAcceptedSpansAllLand()
    {
        var store = new RecordingStore();
        store.Block();
        var options = new CollectorOptions
        {
            Ack = AckMode.Accepted,
            Writers = 1,
            Linger = TimeSpan.Zero,
            QueueMaxSpans = 20,
            AdmissionWait = TimeSpan.FromMilliseconds(20),
        };
        var (pipeline, metrics, _) = PipelineFactory.Start(store, options);

        var accepted = new List<Span>();
        var first = TestSpans.Batch(10);
        Assert.Equal(SubmitOutcome.Stored, (await pipeline.SubmitAsync(first, "http", false)).Outcome);
        accepted.AddRange(first);
        Assert.True(await store.WaitForWriteStartAsync());

        // The writer holds the first batch; the queue takes 20 more spans, then refuses.
        var outcomes = new List<SubmitOutcome>();
        for (int i = 0; i < 4; i++)
        {
            var batch = TestSpans.Batch(10);
            var result = await pipeline.SubmitAsync(batch, "http", false).AsTask().WaitAsync(Generous);
            outcomes.Add(result.Outcome);
            if (result.Outcome == SubmitOutcome.Stored) accepted.AddRange(batch);
        }
        Assert.Equal([SubmitOutcome.Stored, SubmitOutcome.Stored, SubmitOutcome.Rejected, SubmitOutcome.Rejected], outcomes);
        var http = metrics.For("http");
        Assert.Equal(50, http.Spans);
        Assert.Equal(20, http.SpansDropped);
        Assert.Equal(2, http.MessagesDropped);

        store.Open();
        await pipeline.DrainAsync(CancellationToken.None).WaitAsync(Generous);
        Assert.Equal(accepted.OrderBy(s => s.Id), store.StoredSpans().OrderBy(s => s.Id));
    }

    [Fact]
    public async Task AStorageErrorFailsThatGroupsSubmittersAndThePipelineKeepsWriting()
    {
        var store = new RecordingStore();
        store.FailWith(new IOException("disk full"));
        var (pipeline, metrics, pipelineMetrics) = PipelineFactory.Start(store, new CollectorOptions { Linger = TimeSpan.Zero });
        await using var _ = pipeline;

        var failed = await pipeline.SubmitAsync(TestSpans.Batch(4), "http", true).AsTask().WaitAsync(Generous);
        Assert.Equal(SubmitOutcome.Failed, failed.Outcome);
        Assert.Contains("disk full", failed.Error);
        Assert.Equal(4, metrics.For("http").SpansDropped);
        Assert.Equal(1, pipelineMetrics.WriteFailures);

        store.FailWith(null);
        var batch = TestSpans.Batch(2);
        var stored = await pipeline.SubmitAsync(batch, "http", true).AsTask().WaitAsync(Generous);
        Assert.Equal(SubmitOutcome.Stored, stored.Outcome);
        Assert.Equal(batch, store.StoredSpans());
    }

    [Fact]
    public async Task ShutdownWritesEverythingAcceptedThenRefusesNewWork()
    {
        var store = new RecordingStore();
        store.Block();
        var (pipeline, _, _) = PipelineFactory.Start(store, new CollectorOptions { Ack = AckMode.Accepted, Writers = 1, Linger = TimeSpan.Zero });

        var accepted = new List<Span>();
        for (int i = 0; i < 20; i++)
        {
            var batch = TestSpans.Batch(7);
            var result = await pipeline.SubmitAsync(batch, "http", false);
            Assert.Equal(SubmitOutcome.Stored, result.Outcome);
            accepted.AddRange(batch);
        }
        Assert.True(await store.WaitForWriteStartAsync());

        var drain = pipeline.DrainAsync(CancellationToken.None);
        var late = await pipeline.SubmitAsync(TestSpans.Batch(1), "http", false);
        Assert.Equal(SubmitOutcome.ShuttingDown, late.Outcome);
        Assert.False(drain.IsCompleted);

        store.Open();
        await drain.WaitAsync(Generous);
        Assert.Equal(accepted.OrderBy(s => s.Id), store.StoredSpans().OrderBy(s => s.Id));
    }

    [Fact]
    public async Task SamplingKeepsOrDropsWholeTracesAndAlwaysKeepsDebugSpans()
    {
        var store = new RecordingStore();
        var (pipeline, metrics, _) = PipelineFactory.Start(store, new CollectorOptions { SampleRate = 0.5, Linger = TimeSpan.Zero });
        await using var _ = pipeline;

        var random = new Random(42);
        var batch = new List<Span>();
        for (int t = 0; t < 200; t++)
        {
            var traceId = new TraceId((ulong)random.NextInt64(), (ulong)random.NextInt64(1, long.MaxValue) * (random.Next(2) == 0 ? 1UL : ulong.MaxValue));
            batch.AddRange(TestSpans.Trace(traceId, 3));
        }
        var debugTrace = new TraceId(0, unchecked((ulong)long.MaxValue));
        batch.AddRange(TestSpans.Trace(debugTrace, 2, debug: true));

        var result = await pipeline.SubmitAsync(batch, "http", true);
        Assert.Equal(SubmitOutcome.Stored, result.Outcome);
        var stored = store.StoredSpans();
        Assert.Equal(batch.Count, result.Kept + result.Sampled);
        Assert.Equal(result.Sampled, metrics.For("http").SpansDropped);
        Assert.InRange(result.Kept, batch.Count / 4, batch.Count * 3 / 4);
        foreach (var trace in batch.GroupBy(s => s.TraceId))
        {
            int kept = stored.Count(s => s.TraceId == trace.Key);
            Assert.True(kept == 0 || kept == trace.Count(), $"trace {trace.Key} was split: {kept} of {trace.Count()} kept");
        }
        Assert.Equal(2, stored.Count(s => s.TraceId == debugTrace));
    }
}
