using BenchmarkDotNet.Running;
using TraceCollector.Benchmarks.Load;

// "load" and "bare" are the end-to-end ingest tool and its baseline (docs/benchmarks.md, Ingest (HTTP)); anything else is BenchmarkDotNet.
if (args.Length > 0 && args[0] == "load") return await IngestLoad.RunAsync(LoadOptions.Parse(args[1..]));
if (args.Length > 0 && args[0] == "bare") return await BareEndpoint.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
