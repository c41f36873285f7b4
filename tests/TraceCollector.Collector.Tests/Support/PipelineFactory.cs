using Microsoft.Extensions.Logging.Abstractions;
using TraceCollector.Collector.Metrics;
using TraceCollector.Collector.Pipeline;
using TraceCollector.Storage;

namespace TraceCollector.Collector.Tests.Support;

internal static class PipelineFactory
{
    public static (SpanPipeline Pipeline, CollectorMetrics Metrics, PipelineMetrics PipelineMetrics) Start(ISpanConsumer store, CollectorOptions options)
    {
        var metrics = new CollectorMetrics();
        var pipelineMetrics = new PipelineMetrics();
        var pipeline = new SpanPipeline(store, options, metrics, pipelineMetrics, NullLogger<SpanPipeline>.Instance);
        pipeline.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (pipeline, metrics, pipelineMetrics);
    }
}
