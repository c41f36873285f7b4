using BenchmarkDotNet.Running;
using TraceCollector.Benchmarks.Load;

// "load" and "bare" are the end-to-end ingest tool and its baseline (docs/benchmarks.md, Ingest (HTTP));
// "storage" is the storage write/read command; "codecs" the codecs' CPU-time rates (docs/benchmarks.md,
// Codecs); "kafka" the Kafka ingest benchmark without BenchmarkDotNet; "query-http" loads a running query service (Query API); anything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == "load") return await IngestLoad.RunAsync(LoadOptions.Parse(args[1..]));
if (args.Length > 0 && args[0] == "bare") return await BareEndpoint.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "codecs") return TraceCollector.Benchmarks.Codecs.CodecSpeedCommand.Run(args[1..]);
if (args.Length > 0 && args[0] == "query-http") return await TraceCollector.Benchmarks.Query.QueryHttpLoadCommand.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "kafka") return TraceCollector.Benchmarks.Kafka.KafkaIngestCommand.Run(args[1..]);
if (args.Length > 0 && args[0] == "storage") return await TraceCollector.Benchmarks.Storage.StorageBenchCommand.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(TraceCollector.Benchmarks.Storage.StorageBenchCommand).Assembly).Run(args);
return 0;
