using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "query-http") return await TraceCollector.Benchmarks.Query.QueryHttpLoadCommand.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "storage") return await TraceCollector.Benchmarks.Storage.StorageBenchCommand.RunAsync(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(TraceCollector.Benchmarks.Storage.StorageBenchCommand).Assembly).Run(args);
return 0;
