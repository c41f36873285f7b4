using BenchmarkDotNet.Running;

// Not typeof(Program): the referenced server assembly has a public Program of its own.
BenchmarkSwitcher.FromAssembly(System.Reflection.Assembly.GetExecutingAssembly()).Run(args);
