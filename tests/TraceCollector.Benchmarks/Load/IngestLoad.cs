using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace TraceCollector.Benchmarks.Load;

/// <summary>
/// Posts Zipkin JSON v2 or OTLP protobuf batches with fresh ids over keep-alive connections for a
/// fixed time, then reports sustained spans/s and request latency, and reads every accepted trace
/// back through the query API (GET /api/v2/trace/{id}) so a fast answer that lost spans cannot pass.
/// </summary>
internal static class IngestLoad
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        long timestampMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var template = BatchTemplate.Create(options.Format, options.TracesPerRequest, options.SpansPerTrace, timestampMicros);
        ulong nonce = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        var problems = TemplateCheck.FindProblems(template, timestampMicros, nonce);
        if (problems.Count > 0)
        {
            foreach (string problem in problems) Console.Error.WriteLine($"template check: {problem}");
            return 2;
        }
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(60) };

        Console.WriteLine($"ingest load: {options.Url}{template.Path} format={LoadOptions.FormatName(options.Format)} connections={options.Connections} batch={template.SpanCount} spans ({template.Length} bytes) warmup={options.Warmup.TotalSeconds}s duration={options.Duration.TotalSeconds}s");
        var run = new Run(options.Connections, template);
        long start = Stopwatch.GetTimestamp();
        long measureFrom = start + Ticks(options.Warmup);
        long stopAt = measureFrom + Ticks(options.Duration);
        var workers = new Task[options.Connections];
        for (int w = 0; w < workers.Length; w++)
        {
            int worker = w;
            workers[w] = Task.Run(() => WorkAsync(http, template, nonce, run, worker, measureFrom, stopAt));
        }
        await Task.WhenAll(workers);

        var latencies = run.MeasuredLatencies();
        double seconds = options.Duration.TotalSeconds;
        long measuredRequests = latencies.Length;
        Console.WriteLine($"requests measured: {measuredRequests}, accepted spans/s: {run.MeasuredAccepted * template.SpanCount / seconds:F0}");
        if (latencies.Length > 0)
        {
            Console.WriteLine($"latency ms: p50 {Percentile(latencies, 0.50):F2}  p99 {Percentile(latencies, 0.99):F2}  max {latencies[^1]:F2}");
        }
        Console.WriteLine($"status codes (whole run): {string.Join(", ", run.StatusCounts())}");

        int failures = 0;
        if (options.Verify != 0)
        {
            failures = await VerifyAsync(http, template, nonce, run.AcceptedRequests(), options);
        }
        return failures == 0 && run.Errors == 0 ? 0 : 1;
    }

    private static async Task WorkAsync(HttpClient http, BatchTemplate template, ulong nonce, Run run, int worker, long measureFrom, long stopAt)
    {
        var body = new byte[template.Length];
        while (true)
        {
            long sent = Stopwatch.GetTimestamp();
            if (sent >= stopAt) return;
            long request = run.NextRequest();
            template.Fill(body, nonce, request);
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", template.ContentType);
            HttpStatusCode status;
            try
            {
                using var response = await http.PostAsync(template.Path, content);
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = 0;
            }
            long done = Stopwatch.GetTimestamp();
            run.Record(worker, request, status, sent >= measureFrom && done <= stopAt, done - sent);
        }
    }

    private static async Task<int> VerifyAsync(HttpClient http, BatchTemplate template, ulong nonce, List<long> accepted, LoadOptions options)
    {
        var traces = new List<string>(accepted.Count * template.Traces);
        foreach (long request in accepted)
        {
            for (int t = 0; t < template.Traces; t++) traces.Add(template.TraceIdHex(nonce, request, t));
        }
        if (options.Verify > 0 && options.Verify < traces.Count)
        {
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(traces));
            traces.RemoveRange(options.Verify, traces.Count - options.Verify);
        }
        long start = Stopwatch.GetTimestamp();
        int missing = 0, checkedTraces = 0;
        await Parallel.ForEachAsync(traces, new ParallelOptions { MaxDegreeOfParallelism = options.Connections }, async (traceId, ct) =>
        {
            int found = 0;
            using var response = await http.GetAsync($"api/v2/trace/{traceId}", ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
                found = json.RootElement.GetArrayLength();
            }
            if (found != template.SpansPerTrace) Interlocked.Increment(ref missing);
            Interlocked.Increment(ref checkedTraces);
        });
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine($"verified {checkedTraces} traces ({checkedTraces * (long)template.SpansPerTrace} spans) in {seconds:F1}s: {missing} incomplete or missing");
        return missing;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Per-worker results, merged once the run is over, so workers never contend on a lock.</summary>
    private sealed class Run
    {
        private readonly List<double>[] _latencies;
        private readonly List<long>[] _accepted;
        private readonly Dictionary<int, long>[] _statuses;
        private readonly long[] _measuredAccepted;
        private readonly BatchTemplate _format;
        private long _nextRequest;

        public Run(int workers, BatchTemplate format)
        {
            _format = format;
            _latencies = new List<double>[workers];
            _accepted = new List<long>[workers];
            _statuses = new Dictionary<int, long>[workers];
            _measuredAccepted = new long[workers];
            for (int i = 0; i < workers; i++)
            {
                _latencies[i] = new List<double>(1 << 16);
                _accepted[i] = new List<long>(1 << 16);
                _statuses[i] = new Dictionary<int, long>();
            }
        }

        public long Errors { get; private set; }

        public long MeasuredAccepted => _measuredAccepted.Sum();

        public long NextRequest() => Interlocked.Increment(ref _nextRequest);

        public void Record(int worker, long request, HttpStatusCode status, bool measured, long elapsedTicks)
        {
            var statuses = _statuses[worker];
            statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
            bool accepted = status == _format.Accepted;
            if (accepted) _accepted[worker].Add(request);
            if (!measured) return;
            _latencies[worker].Add(elapsedTicks * 1000.0 / Stopwatch.Frequency);
            if (accepted) _measuredAccepted[worker]++;
        }

        public double[] MeasuredLatencies()
        {
            var all = _latencies.SelectMany(l => l).ToArray();
            Array.Sort(all);
            return all;
        }

        public List<long> AcceptedRequests() => _accepted.SelectMany(a => a).ToList();

        public IEnumerable<string> StatusCounts()
        {
            var merged = new SortedDictionary<int, long>();
            foreach (var statuses in _statuses)
            {
                foreach (var (code, count) in statuses) merged[code] = merged.GetValueOrDefault(code) + count;
            }
            foreach (var (code, count) in merged)
            {
                var status = (HttpStatusCode)code;
                if (status != _format.Accepted && !_format.IsBackPressure(status)) Errors += count;
                yield return $"{(code == 0 ? "connection error" : code.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {count}";
            }
        }
    }
}
