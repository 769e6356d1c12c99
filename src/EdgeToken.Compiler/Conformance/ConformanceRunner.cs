using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Compiler.Onnx.Proto;
using EdgeToken.Runtime.Execution;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;
using Google.Protobuf;

namespace EdgeToken.Compiler.Conformance;

/// <summary>
/// Runs folders in the ONNX backend node-test format (<c>DIR/&lt;test&gt;/model.onnx</c> with
/// <c>test_data_set_N/input_K.pb</c> and <c>output_K.pb</c>) through import, compile and the plan executor.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Tests whose expected outputs come from a random generator, so no backend can reproduce them.</summary>
    private static readonly HashSet<string> RandomOutputs = new(StringComparer.Ordinal)
    {
        "test_training_dropout", "test_training_dropout_default", "test_training_dropout_default_mask", "test_training_dropout_mask",
    };

    public static IEnumerable<string> FindTests(string directory, string? filter)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory");
        return Directory.GetDirectories(directory)
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .Where(d => filter is null || System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(filter, Path.GetFileName(d)) || Path.GetFileName(d).Contains(filter, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }

    public static List<ConformanceResult> RunAll(string directory, string? filter = null) =>
        FindTests(directory, filter).Select(Run).ToList();

    public static ConformanceResult Run(string testDirectory)
    {
        string name = Path.GetFileName(testDirectory);
        string modelPath = Path.Combine(testDirectory, "model.onnx");
        string op = "?";
        try
        {
            var model = OnnxFile.Read(modelPath);
            op = model.Graph.Node.Count == 1 ? model.Graph.Node[0].OpType : string.Join("+", model.Graph.Node.Select(n => n.OpType).Distinct());
            if (RandomOutputs.Contains(name))
                return new(name, op, ConformanceStatus.Skipped, "training-mode Dropout with ratio > 0 draws random masks; its expected output cannot be reproduced");
            var graph = OnnxImporter.Import(model, testDirectory, modelPath);
            var dataSets = Directory.GetDirectories(testDirectory, "test_data_set_*").Order(StringComparer.Ordinal).ToArray();
            if (dataSets.Length == 0) return new(name, op, ConformanceStatus.Failed, "no test_data_set_N folder");
            foreach (var dataSet in dataSets)
            {
                string? problem = RunDataSet(model, testDirectory, modelPath, dataSet);
                if (problem is not null) return new(name, op, ConformanceStatus.Failed, $"{Path.GetFileName(dataSet)}: {problem}");
            }
            return new(name, op, ConformanceStatus.Passed, "");
        }
        catch (UnsupportedModelException e) { return new(name, op, ConformanceStatus.Skipped, e.Message); }
        catch (UnsupportedOperatorException e) { return new(name, op, ConformanceStatus.Skipped, e.Message); }
        catch (UnsupportedDataException e) { return new(name, op, ConformanceStatus.Skipped, e.Message); }
        catch (Exception e)
        {
            return new(name, op, ConformanceStatus.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private sealed class UnsupportedDataException(string message) : Exception(message);

    private static string? RunDataSet(ModelProto model, string testDirectory, string modelPath, string dataSet)
    {
        // EdgeToken plans statically: axes, shapes, pads and modes must be known when compiling. A node test
        // feeds them as graph inputs; when an operator asks, they become constants, as a manifest would fix
        // them: first the integer and boolean inputs, then also scalars (a Dropout ratio).
        for (var freeze = Freeze.None; ; freeze++)
        {
            try
            {
                return RunDataSet(model, testDirectory, modelPath, dataSet, freeze);
            }
            catch (UnsupportedModelException e) when (freeze < Freeze.IntegersAndScalars && e.Message.Contains("computed at run time", StringComparison.Ordinal))
            {
            }
        }
    }

    private static string? RunDataSet(ModelProto model, string testDirectory, string modelPath, string dataSet, Freeze freeze)
    {
        // A fresh graph per data set: compilation binds shapes and rewrites the graph.
        var graph = OnnxImporter.Import(model, testDirectory, modelPath);
        var inputs = graph.Inputs.Select((v, i) => ReadTensor(Path.Combine(dataSet, $"input_{i}.pb"), modelPath)).ToArray();
        var byName = new Dictionary<string, ConstantTensor>(StringComparer.Ordinal);
        for (int i = 0; i < inputs.Length; i++) byName[graph.Inputs[i].Name] = inputs[i];
        if (freeze != Freeze.None)
        {
            foreach (var input in graph.Inputs.Where(v => v.Type is ElementType.Int64 or ElementType.Int32 or ElementType.Bool
                                                          || (freeze == Freeze.IntegersAndScalars && byName[v.Name].ElementCount == 1)).ToArray())
            {
                input.Constant = byName[input.Name];
                input.Dims = input.Constant.Dims;
                input.IsGraphInput = false;
                graph.Inputs.Remove(input);
            }
        }
        var bindings = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
        {
            var given = byName[input.Name];
            var declared = input.DeclaredDims ??= given.Dims.Select(d => Dim.Unknown).ToArray();
            if (declared.Length != given.Dims.Length) return $"input '{input.Name}' has rank {given.Dims.Length}, the model declares {declared.Length}";
            for (int d = 0; d < declared.Length; d++)
                if (!declared[d].IsStatic)
                {
                    bindings[$"{input.Name}:{d}"] = given.Dims[d];
                    if (declared[d].Symbol is { } s) bindings[s] = given.Dims[d];
                }
        }
        var compiled = ModelCompiler.Compile(graph, new CompileOptions { Bindings = bindings });
        var executor = new PlanExecutor(compiled.Plan);
        for (int i = 0; i < executor.InputCount; i++)
        {
            var given = byName[compiled.Plan.Input(i).Name];
            var slot = executor.InputBytes(i);
            if (slot.Length != given.Bytes.Length) return $"input {i}: {given.Bytes.Length} bytes given, plan expects {slot.Length}";
            given.Bytes.Span.CopyTo(slot);
        }
        executor.Run();
        for (int o = 0; o < executor.OutputCount; o++)
        {
            string file = Path.Combine(dataSet, $"output_{o}.pb");
            if (!File.Exists(file)) return $"missing {Path.GetFileName(file)}";
            var expected = ReadTensor(file, modelPath);
            var t = executor.Plan.Output(o);
            string? mismatch = TensorComparison.Compare(expected, t.Type, t.Dims, executor.OutputBytes(o));
            if (mismatch is not null) return $"output {o} ('{t.Name}'): {mismatch}";
        }
        return null;
    }

    private enum Freeze { None, Integers, IntegersAndScalars }

    private static ConstantTensor ReadTensor(string path, string modelPath)
    {
        TensorProto proto;
        try { proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (InvalidProtocolBufferException) { throw new UnsupportedDataException($"{Path.GetFileName(path)} is not a TensorProto (a sequence or optional value): EdgeToken runs tensors only"); }
        if (proto.DataType == 0) throw new UnsupportedDataException($"{Path.GetFileName(path)} is not a tensor (a sequence or optional value): EdgeToken runs tensors only");
        return OnnxTensorReader.Read(proto, Path.GetDirectoryName(path), modelPath);
    }

    /// <summary>Counts by operator, for the table the CLI prints.</summary>
    public static IEnumerable<(string Operator, int Passed, int Failed, int Skipped)> ByOperator(IEnumerable<ConformanceResult> results) =>
        results.GroupBy(r => r.Operator).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(r => r.Status == ConformanceStatus.Passed), g.Count(r => r.Status == ConformanceStatus.Failed), g.Count(r => r.Status == ConformanceStatus.Skipped)));

    public static string Summary(IReadOnlyCollection<ConformanceResult> results) =>
        $"{results.Count(r => r.Status == ConformanceStatus.Passed)} passed, {results.Count(r => r.Status == ConformanceStatus.Failed)} failed, {results.Count(r => r.Status == ConformanceStatus.Skipped)} skipped";
}
