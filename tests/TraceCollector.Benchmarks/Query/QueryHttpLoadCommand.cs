using System.Diagnostics;
using System.Globalization;
using System.Net;
using TraceCollector.Benchmarks.Storage;

namespace TraceCollector.Benchmarks.Query;

/// <summary>
/// The query API under load, through HTTP against a running query service (docs/benchmarks.md,
/// "Query API"): the data set is the storage benchmark's (storage load), whose .bench-meta file tells
/// which traces exist, so every request asks for something real.
///   query-http --url U --meta M [--concurrency 8] [--seconds 20] [--gzip]
/// </summary>
public static class QueryHttpLoadCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var opts = ParseOptions(args);
        if (!opts.TryGetValue("url", out string? url) || !opts.TryGetValue("meta", out string? metaPath))
        {
            Console.Error.WriteLine("usage: query-http --url http://host:port --meta DIR.bench-meta [--concurrency 8] [--seconds 20] [--gzip]");
            return 2;
        }
        int concurrency = int.Parse(opts.GetValueOrDefault("concurrency", "8"), CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(opts.GetValueOrDefault("seconds", "20"), CultureInfo.InvariantCulture));
        bool gzip = opts.ContainsKey("gzip");
        long[] meta = File.ReadAllText(metaPath).Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long loaded = meta[2];
        var traces = new SyntheticTraces(meta[0], meta[1]);

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            AutomaticDecompression = gzip ? DecompressionMethods.GZip : DecompressionMethods.None,
        }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine($"{loaded * SyntheticTraces.SpansPerTrace} spans ({loaded} traces) in the store; {concurrency} concurrent clients, {duration.TotalSeconds:F0} s per endpoint, gzip {(gzip ? "on" : "off")}");
        await LoadAsync(client, "GET /api/v2/trace/{id}", concurrency, duration, rng =>
            $"api/v2/trace/{SyntheticTraces.TraceIdOf(rng.NextInt64(loaded))}");
        await LoadAsync(client, "GET /api/v2/traces?serviceName=<entry service>&limit=10 (default endTs now, lookback 1 day)", concurrency, duration, rng =>
            $"api/v2/traces?serviceName={SyntheticTraces.ServiceName(rng.Next(5))}&limit=10");
        await LoadAsync(client, "GET /api/v2/traces?serviceName=<any service>&spanName=<route>&limit=10", concurrency, duration, rng =>
        {
            int s = rng.Next(SyntheticTraces.ServiceCount);
            return $"api/v2/traces?serviceName={SyntheticTraces.ServiceName(s)}&spanName={Uri.EscapeDataString(SyntheticTraces.RouteName(s, rng.Next(SyntheticTraces.RoutesPerService)))}&limit=10";
        });
        await SequentialAsync(client, "GET /api/v2/dependencies (one day)", 5,
            $"api/v2/dependencies?endTs={traces.EndMillis}&lookback=86400000");
        return 0;
    }

    // Closed loop: each client sends its next request when the previous answer is read in full.
    private static async Task LoadAsync(HttpClient client, string name, int concurrency, TimeSpan duration, Func<Random, string> nextPath)
    {
        await RunClientsAsync(client, concurrency, TimeSpan.FromSeconds(3), nextPath, new List<double>()); // JIT, caches, connections
        var latencies = new List<double>();
        var wall = Stopwatch.StartNew();
        long bytes = await RunClientsAsync(client, concurrency, duration, nextPath, latencies);
        double seconds = wall.Elapsed.TotalSeconds;
        latencies.Sort();
        Console.WriteLine($"{name}: {latencies.Count} requests, {latencies.Count / seconds:F0}/s, p50 {Percentile(latencies, 0.50):F2} ms, p90 {Percentile(latencies, 0.90):F2} ms, "
            + $"p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms, {bytes / (double)latencies.Count / 1024:F1} KiB/answer");
    }

    private static async Task<long> RunClientsAsync(HttpClient client, int concurrency, TimeSpan duration, Func<Random, string> nextPath, List<double> latencies)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(async w =>
        {
            var rng = new Random(1000 + w);
            var mine = new List<double>();
            long bytes = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                string path = nextPath(rng);
                long t0 = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                byte[] body = await response.Content.ReadAsByteArrayAsync();
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
                bytes += body.Length;
            }
            return (mine, bytes);
        }).ToArray();
        long total = 0;
        foreach (var (mine, bytes) in await Task.WhenAll(workers))
        {
            latencies.AddRange(mine);
            total += bytes;
        }
        return total;
    }

    private static async Task SequentialAsync(HttpClient client, string name, int runs, string path)
    {
        var times = new List<double>();
        int links = 0;
        for (int i = 0; i < runs + 1; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(path);
            string body = await response.Content.ReadAsStringAsync();
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body}");
            links = body.Split("\"callCount\"").Length - 1;
            if (i > 0) times.Add(ms); // the first run warms the JIT and the block cache
            else Console.WriteLine($"{name}: first (cold) run {ms:F0} ms");
        }
        times.Sort();
        Console.WriteLine($"{name}: {runs} runs after the first, min {times[0]:F0} ms, median {Percentile(times, 0.5):F0} ms, max {times[^1]:F0} ms, {links} links");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var opts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            string key = args[i][2..];
            opts[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
        }
        return opts;
    }
}
