using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
