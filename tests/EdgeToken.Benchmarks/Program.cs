using BenchmarkDotNet.Running;
using EdgeToken.Benchmarks;

// dotnet run -c Release --project tests/EdgeToken.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/EdgeToken.Benchmarks -- write-models DIR   (the models as .onnx, for `edgetoken bench`)
if (args.Length == 2 && args[0] == "write-models")
{
    Directory.CreateDirectory(args[1]);
    foreach (string name in BenchmarkModels.Names.Concat(BenchmarkModels.Extra))
    {
        string path = Path.Combine(args[1], name + ".onnx");
        BenchmarkModels.Build(name).Save(path);
        Console.WriteLine(path);
    }
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
