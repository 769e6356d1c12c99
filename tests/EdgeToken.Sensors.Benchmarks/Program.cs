using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(EdgeToken.Sensors.Benchmarks.FftBenchmarks).Assembly).Run(args);
