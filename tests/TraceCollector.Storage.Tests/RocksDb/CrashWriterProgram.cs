using TraceCollector.Model;
using TraceCollector.Storage.RocksDb;

namespace TraceCollector.Storage.Tests.RocksDb;

/// <summary>
/// The test assembly's entry point, used only as the child process of <see cref="RocksDbCrashTests"/>:
/// <c>dotnet TraceCollector.Storage.Tests.dll rocksdb-crash-writer &lt;dir&gt;</c> writes batches until it
/// is killed, printing "ack N" after batch N's AcceptAsync completed.
/// </summary>
public static class CrashWriterProgram
{
    public const string Command = "rocksdb-crash-writer";
    public const int SpansPerBatch = 20;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || args[0] != Command)
        {
            Console.Error.WriteLine($"usage: dotnet TraceCollector.Storage.Tests.dll {Command} <directory>");
            return 2;
        }
        await using var storage = RocksDbStorage.Open(args[1], new StorageOptions());
        for (ulong batch = 1; ; batch++)
        {
            await storage.AcceptAsync(Batch(batch));
            Console.Out.WriteLine($"ack {batch}");
            Console.Out.Flush();
        }
    }

    /// <summary>Batch N is trace N: a root and its children, all from one service.</summary>
    public static Span[] Batch(ulong batch)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var spans = new Span[SpansPerBatch];
        for (int i = 0; i < spans.Length; i++)
        {
            spans[i] = new SpanBuilder
            {
                TraceId = new TraceId(0, batch),
                Id = (ulong)i + 1,
                ParentId = i == 0 ? 0UL : 1UL,
                Kind = SpanKind.Server,
                Name = "op-" + i,
                Timestamp = now + i,
                Duration = 100 + i,
                LocalEndpoint = Endpoint.Create("crash-writer", "10.0.0.1", null, 8080),
            }.PutTag("batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build();
        }
        return spans;
    }
}
