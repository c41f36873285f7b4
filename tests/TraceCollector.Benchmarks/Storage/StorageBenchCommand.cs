using System.Diagnostics;
using System.Globalization;
using RocksDbSharp;
using TraceCollector.Model;
using TraceCollector.Storage;
using TraceCollector.Storage.RocksDb;

namespace TraceCollector.Benchmarks.Storage;

/// <summary>
/// The RocksDB store's benchmarks as a command line, because a 10-million-span data set is loaded
/// once and measured many times (docs/benchmarks.md, "Storage (RocksDB)"):
///   storage write [--spans N]                  write throughput beside raw WriteBatch puts of the same bytes
///   storage ingest [--spans N] [--writers W]   the write path alone, fed the HTTP load tool's batches as the pipeline groups them
///   storage load --dir D [--traces N]          fills D with N synthetic ten-span traces, then compacts
///   storage compact --dir D                    compacts D fully (load does this at its end)
///   storage query --dir D [--iterations N]     trace-by-id, search and dependency latency; bytes per span
/// </summary>
public static class StorageBenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "";
        var opts = ParseOptions(args.Skip(1).ToArray());
        switch (mode)
        {
            case "write": await WriteAsync(opts); return 0;
            case "ingest": await IngestAsync(opts); return 0;
            case "load": await LoadAsync(opts); return 0;
            case "query": await QueryAsync(opts); return 0;
            case "compact": await CompactAsync(opts); return 0;
            default:
                Console.Error.WriteLine("usage: storage write [--spans N] | storage load --dir D [--traces N] | storage query --dir D [--iterations N]");
                return 2;
        }
    }

    private static StorageOptions BenchOptions() => new() { Ttl = TimeSpan.FromDays(30), AutocompleteKeys = new[] { "http.method" } };

    // Our store and a bare RocksDB, each writing the same number of synced batches of the same bytes.
    private static async Task WriteAsync(Dictionary<string, string> opts)
    {
        long spanCount = long.Parse(opts.GetValueOrDefault("spans", "300000"), CultureInfo.InvariantCulture);
        const int tracesPerBatch = 10;
        string root = Path.Combine(Path.GetTempPath(), "tc-storage-write-" + Guid.NewGuid().ToString("N"));
        try
        {
            var traces = new SyntheticTraces(spanCount / SyntheticTraces.SpansPerTrace, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var batches = new List<Span[]>();
            var buffer = new List<Span>();
            for (long n = 0; n < traces.TraceCount; n++)
            {
                traces.AddTrace(n, buffer);
                if ((n + 1) % tracesPerBatch == 0 || n + 1 == traces.TraceCount)
                {
                    batches.Add(buffer.ToArray());
                    buffer.Clear();
                }
            }
            long spans = batches.Sum(b => (long)b.Length);

            // Warm the JIT, the native bindings and both code paths on throwaway stores; time only the writes.
            await using (var warm = RocksDbStorage.Open(Path.Combine(root, "warm"), BenchOptions()))
            {
                foreach (var batch in batches.Take(20)) await warm.AcceptAsync(batch);
            }
            RawWriteBatches(Path.Combine(root, "raw-warm"), 20, 20 * 40_000);

            long bytes;
            var sw = new Stopwatch();
            await using (var storage = RocksDbStorage.Open(Path.Combine(root, "store"), BenchOptions()))
            {
                sw.Start();
                foreach (var batch in batches) await storage.AcceptAsync(batch);
                sw.Stop();
                bytes = storage.BytesWritten;
            }
            double ours = sw.Elapsed.TotalSeconds;

            var (rawSeconds, rawPuts) = RawWriteBatches(Path.Combine(root, "raw"), batches.Count, bytes);
            Console.WriteLine($"store: {spans} spans in {batches.Count} synced batches of {tracesPerBatch * SyntheticTraces.SpansPerTrace} spans, {ours:F2} s = {spans / ours:F0} spans/s, {bytes / ours / 1e6:F1} MB/s of batch bytes ({bytes / (double)spans:F0} B/span)");
            Console.WriteLine($"raw:   {rawPuts} puts of the same {bytes} bytes in {batches.Count} synced WriteBatches, {rawSeconds:F2} s = {rawPuts / rawSeconds:F0} puts/s, {bytes / rawSeconds / 1e6:F1} MB/s");
            Console.WriteLine($"store throughput / raw throughput for the same bytes: {rawSeconds / ours * 100:F0}%");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    // What the collector's storage writer does under the HTTP load tool, without HTTP: the load
    // tool's 100-span JSON v2 batches (fresh ids each), decoded, grouped ten to a write as the
    // pipeline groups them, written synced by one writer. Only AcceptAsync is timed.
    private static async Task IngestAsync(Dictionary<string, string> opts)
    {
        long spanCount = long.Parse(opts.GetValueOrDefault("spans", "500000"), CultureInfo.InvariantCulture);
        int writers = int.Parse(opts.GetValueOrDefault("writers", "2"), CultureInfo.InvariantCulture);
        const int requestsPerWrite = 10;
        var template = TraceCollector.Benchmarks.Load.BatchTemplate.Create(TraceCollector.Benchmarks.Load.LoadFormat.ZipkinJson, 10, 10,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        var body = new byte[template.Length];
        var writes = new List<Span[]>();
        var pending = new List<Span>();
        for (long request = 0; request * template.SpanCount < spanCount; request++)
        {
            template.Fill(body, 0x5eed, request);
            pending.AddRange(template.Decode(body));
            if ((request + 1) % requestsPerWrite != 0) continue;
            writes.Add(pending.ToArray());
            pending.Clear();
        }
        if (pending.Count > 0) writes.Add(pending.ToArray());
        string root = Path.Combine(Path.GetTempPath(), "tc-storage-ingest-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var warm = RocksDbStorage.Open(Path.Combine(root, "warm"), new StorageOptions()))
            {
                foreach (var write in writes.Take(50)) await warm.AcceptAsync(write);
            }
            await using var storage = RocksDbStorage.Open(Path.Combine(root, "store"), new StorageOptions());
            long spans = 0;
            foreach (var write in writes) spans += write.Length;
            var sw = Stopwatch.StartNew();
            // As the pipeline's COLLECTOR_WRITERS do: each writer takes the next write when its last is durable.
            int next = -1;
            var loops = new Task[writers];
            for (int w = 0; w < writers; w++)
            {
                loops[w] = Task.Run(async () =>
                {
                    for (int i = Interlocked.Increment(ref next); i < writes.Count; i = Interlocked.Increment(ref next)) await storage.AcceptAsync(writes[i]);
                });
            }
            await Task.WhenAll(loops);
            sw.Stop();
            Console.WriteLine($"ingest write path, {writers} writers: {spans} spans in {writes.Count} synced writes of ~{requestsPerWrite * template.SpanCount} spans, " +
                $"{sw.Elapsed.TotalSeconds:F2} s = {spans / sw.Elapsed.TotalSeconds:F0} spans/s ({sw.Elapsed.TotalMilliseconds * 1000 / spans:F2} us/span), " +
                $"{storage.BytesWritten / (double)spans:F0} B of batch per span");
            storage.Compact();
            Console.WriteLine($"after full compaction: {DirectoryBytes(Path.Combine(root, "store")) / (double)spans:F1} bytes/span on disk, indexes included");
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    // Random 24-byte keys with 100-byte values, cut into as many batches as the store wrote, synced like the store's.
    private static (double Seconds, long Puts) RawWriteBatches(string dir, int batchCount, long totalBytes)
    {
        const int keySize = 24, valueSize = 100;
        long puts = totalBytes / (keySize + valueSize + 3);
        long perBatch = Math.Max(1, puts / batchCount);
        var options = new DbOptions().SetCreateIfMissing(true);
        using var db = RocksDb.Open(options, dir);
        var write = new WriteOptions().SetSync(true);
        var key = new byte[keySize];
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);
        var rng = new Random(42);
        var sw = Stopwatch.StartNew(); // the database is open already: only the writes are timed
        long done = 0;
        for (int b = 0; b < batchCount; b++)
        {
            using var batch = new WriteBatch();
            for (long i = 0; i < perBatch; i++)
            {
                rng.NextBytes(key);
                batch.Put(key, value);
            }
            db.Write(batch, write);
            done += perBatch;
        }
        return (sw.Elapsed.TotalSeconds, done);
    }

    private static async Task LoadAsync(Dictionary<string, string> opts)
    {
        string dir = opts["dir"];
        long traceCount = long.Parse(opts.GetValueOrDefault("traces", "1000000"), CultureInfo.InvariantCulture);
        int tracesPerBatch = int.Parse(opts.GetValueOrDefault("batch-traces", "100"), CultureInfo.InvariantCulture);
        long endMillis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var traces = new SyntheticTraces(traceCount, endMillis);
        File.WriteAllText(MetaPath(dir, create: true), $"{traceCount} {endMillis} 0");
        var sw = Stopwatch.StartNew();
        var buffer = new List<Span>(tracesPerBatch * SyntheticTraces.SpansPerTrace);
        await using (var storage = RocksDbStorage.Open(dir, BenchOptions()))
        {
            for (long n = 0; n < traceCount; n++)
            {
                traces.AddTrace(n, buffer);
                if ((n + 1) % tracesPerBatch != 0 && n + 1 != traceCount) continue;
                await storage.AcceptAsync(buffer.ToArray());
                buffer.Clear();
                if ((n + 1) % 50_000 == 0)
                {
                    long spans = (n + 1) * SyntheticTraces.SpansPerTrace;
                    Console.WriteLine($"{spans} spans, {spans / sw.Elapsed.TotalSeconds:F0} spans/s");
                    File.WriteAllText(MetaPath(dir), $"{traceCount} {endMillis} {n + 1}");
                }
            }
            Console.WriteLine($"loaded {traceCount * SyntheticTraces.SpansPerTrace} spans in {sw.Elapsed.TotalSeconds:F0} s; compacting");
            File.WriteAllText(MetaPath(dir), $"{traceCount} {endMillis} {traceCount}");
            storage.Compact();
        }
        Console.WriteLine($"done in {sw.Elapsed.TotalSeconds:F0} s; {DirectoryBytes(dir) / (double)(traceCount * SyntheticTraces.SpansPerTrace):F1} bytes/span on disk");
    }

    private static async Task CompactAsync(Dictionary<string, string> opts)
    {
        string dir = opts["dir"];
        var sw = Stopwatch.StartNew();
        await using (var storage = RocksDbStorage.Open(dir, BenchOptions())) storage.Compact();
        Console.WriteLine($"compacted in {sw.Elapsed.TotalSeconds:F0} s; {DirectoryBytes(dir) / 1e6:F0} MB on disk");
    }

    private static async Task QueryAsync(Dictionary<string, string> opts)
    {
        string dir = opts["dir"];
        int iterations = int.Parse(opts.GetValueOrDefault("iterations", "1000"), CultureInfo.InvariantCulture);
        var meta = File.ReadAllText(MetaPath(dir)).Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long loaded = meta[2];
        var traces = new SyntheticTraces(meta[0], meta[1]);
        long spans = loaded * SyntheticTraces.SpansPerTrace;
        Console.WriteLine($"{spans} spans ({loaded} traces) stored; {DirectoryBytes(dir) / (double)spans:F1} bytes/span on disk, indexes included");
        var rng = new Random(7);
        await using var storage = RocksDbStorage.Open(dir, BenchOptions());

        await Measure("trace by id", iterations, async () =>
        {
            var trace = await storage.GetTraceAsync(SyntheticTraces.TraceIdOf(rng.NextInt64(loaded)));
            if (trace.Count != SyntheticTraces.SpansPerTrace) throw new InvalidOperationException($"trace has {trace.Count} spans");
        });
        // A query window ending at a random stored trace with at least an hour of data before it.
        long spacing = traces.TraceStartMicros(1) - traces.TraceStartMicros(0);
        long hour = Math.Min(loaded - 1, 3_600_000_000 / spacing);
        long EndTs() => traces.TraceStartMicros(hour + rng.NextInt64(loaded - hour)) / 1000;
        string EntryService() => SyntheticTraces.ServiceName(rng.Next(5));
        int found = 0;
        await Measure("search service, 1h, limit 10", iterations, async () =>
            found += (await storage.FindTracesAsync(QueryRequest.Create(EntryService(), null, null, null, null, null, EndTs(), 3_600_000, 10))).Count);
        Console.WriteLine($"  (average {found / (double)(iterations + Warmup(iterations)):F1} traces returned)");
        found = 0;
        await Measure("search service+spanName+minDuration 100ms, 1h, limit 10", iterations, async () =>
        {
            int s = rng.Next(5);
            found += (await storage.FindTracesAsync(QueryRequest.Create(SyntheticTraces.ServiceName(s), null, SyntheticTraces.RouteName(s, rng.Next(SyntheticTraces.RoutesPerService - 1)), null, 100_000, null, EndTs(), 3_600_000, 10))).Count;
        });
        Console.WriteLine($"  (average {found / (double)(iterations + Warmup(iterations)):F1} traces returned)");
        found = 0;
        await Measure("search annotationQuery http.status_code=500, 1h, limit 10", iterations, async () =>
            found += (await storage.FindTracesAsync(QueryRequest.Create(EntryService(), null, null, "http.status_code=500", null, null, EndTs(), 3_600_000, 10))).Count);
        Console.WriteLine($"  (average {found / (double)(iterations + Warmup(iterations)):F1} traces returned)");
        await Measure("dependencies, 1 day", Math.Max(5, iterations / 100), async () => await storage.GetDependenciesAsync(traces.EndMillis, 86_400_000));
    }

    private static async Task Measure(string name, int iterations, Func<Task> run)
    {
        for (int i = 0; i < Warmup(iterations); i++) await run(); // warm the caches and the JIT
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            await run();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"{name}: p50 {times[iterations / 2]:F2} ms, p99 {times[(int)(iterations * 0.99)]:F2} ms, max {times[^1]:F2} ms ({iterations} runs)");
    }

    private static int Warmup(int iterations) => Math.Min(50, iterations);

    private static string MetaPath(string dir, bool create = false)
    {
        if (create) Directory.CreateDirectory(dir);
        return Path.Combine(dir, "..", Path.GetFileName(Path.GetFullPath(dir)) + ".bench-meta");
    }

    private static long DirectoryBytes(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories)
        .Where(f => f.Extension is ".sst" or ".log" or "" || f.Name.StartsWith("MANIFEST", StringComparison.Ordinal)).Sum(f => f.Length);

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2) result[args[i].TrimStart('-')] = args[i + 1];
        return result;
    }
}
