using System.Diagnostics;
using System.Globalization;

namespace TraceCollector.Benchmarks.Kafka;

/// <summary>
/// "kafka [--iterations N]": the Kafka ingest benchmark driven directly rather than through
/// BenchmarkDotNet, printing each run, so that a run that stalls says where (docs/benchmarks.md,
/// "Ingest (Kafka)"). Each iteration is a fresh collector and consumer group over the pre-filled
/// topic; the group join on an empty topic is timed alongside and subtracted.
/// </summary>
public static class KafkaIngestCommand
{
    public static int Run(string[] args)
    {
        int iterations = args.Length >= 2 && args[0] == "--iterations" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var bench = new KafkaIngestBenchmark { LogToConsole = true };
        var prefill = Stopwatch.StartNew();
        bench.Prefill();
        Console.WriteLine($"prefilled {KafkaIngestBenchmark.TotalSpans} spans in {KafkaIngestBenchmark.MessageCount} messages in {prefill.Elapsed.TotalSeconds:F1} s; store {KafkaIngestBenchmark.StorageType}");
        try
        {
            var rates = new List<double>();
            for (int i = 0; i <= iterations; i++)
            {
                bench.NewCollectorOnEmptyTopic();
                var join = Stopwatch.StartNew();
                bench.JoinGroupOnly();
                join.Stop();
                bench.StopCollector();

                bench.NewCollectorOnTopic();
                var consume = Stopwatch.StartNew();
                bench.ConsumePrefilledTopic();
                consume.Stop();
                bench.StopCollector();

                double seconds = Math.Max(1e-3, consume.Elapsed.TotalSeconds - join.Elapsed.TotalSeconds);
                double rate = KafkaIngestBenchmark.TotalSpans / seconds;
                string label = i == 0 ? "warm-up" : $"run {i}";
                Console.WriteLine($"{label}: consumed and stored in {consume.Elapsed.TotalSeconds:F2} s (group join {join.Elapsed.TotalSeconds:F2} s) = {rate:F0} spans/s");
                if (i > 0) rates.Add(rate);
            }
            rates.Sort();
            Console.WriteLine($"median {rates[rates.Count / 2]:F0} spans/s, min {rates[0]:F0}, max {rates[^1]:F0}");
            return 0;
        }
        finally
        {
            bench.StopCluster();
        }
    }
}
