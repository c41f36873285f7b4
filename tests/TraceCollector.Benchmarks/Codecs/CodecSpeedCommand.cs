using System.Diagnostics;
using System.Text.Json;
using TraceCollector.Codecs;
using TraceCollector.Model;

namespace TraceCollector.Benchmarks.Codecs;

/// <summary>
/// `dotnet run -c Release -- codecs [rounds]`: the same work as <see cref="CodecBenchmarks"/>, timed in
/// CPU time of the measuring thread instead of wall time, so the figure stays "spans/s per core" on
/// a machine shared with other work (BenchmarkDotNet's wall clock counts time spent descheduled).
/// Also prints bytes allocated per span on this thread.
/// </summary>
public static class CodecSpeedCommand
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
        var bench = new CodecBenchmarks();
        bench.Setup();
        var cases = new (string Name, Func<int> Work)[]
        {
            ("JSON v2 raw Utf8JsonReader token scan", bench.JsonV2RawTokenScan),
            ("JSON v2 decode", bench.JsonV2Decode),
            ("JSON v2 encode", bench.JsonV2Encode),
            ("proto3 decode", bench.Proto3Decode),
            ("proto3 encode", bench.Proto3Encode),
            ("thrift decode", bench.ThriftDecode),
            ("thrift encode", bench.ThriftEncode),
        };
        var google = new GoogleProtobufBenchmarks();
        google.Setup();
        cases = [.. cases, ("proto3 decode, Google.Protobuf into the model", google.GoogleProtobufParseIntoModel), ("proto3 parse, Google.Protobuf only", google.GoogleProtobufParseOnly)];

        Console.WriteLine($"| Case | spans/s per core (CPU time) | ns/span | bytes allocated/span |");
        Console.WriteLine($"|---|---:|---:|---:|");
        double scanRate = 0;
        foreach (var (name, work) in cases)
        {
            for (int i = 0; i < Math.Max(20, rounds / 10); i++) work(); // warm up and let tiered JIT settle
            GC.Collect();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            TimeSpan cpu = ThreadCpuTime.Now();
            for (int i = 0; i < rounds; i++) work();
            double seconds = (ThreadCpuTime.Now() - cpu).TotalSeconds;
            long bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            double spans = (double)rounds * 1_000;
            double rate = spans / seconds;
            if (scanRate == 0) scanRate = rate;
            Console.WriteLine($"| {name} | {rate:N0} | {seconds * 1e9 / spans:N0} | {bytes / spans:N0} |");
        }
        return 0;
    }

    /// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID; process time elsewhere).</summary>
    private static class ThreadCpuTime
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        public static TimeSpan Now()
        {
            if (OperatingSystem.IsLinux() && ClockGetTime(3, out var t) == 0) return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
            return Process.GetCurrentProcess().TotalProcessorTime;
        }
    }
}
