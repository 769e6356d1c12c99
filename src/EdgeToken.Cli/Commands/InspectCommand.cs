using System.CommandLine;
using EdgeToken.Compiler;
using EdgeToken.Compiler.Analysis;
using EdgeToken.Compiler.Graphs;
using EdgeToken.Compiler.Onnx;
using EdgeToken.Runtime.Operators;
using EdgeToken.Runtime.Tensors;

namespace EdgeToken.Cli.Commands;

public sealed record TensorReport(string Name, string Type, string Shape);
public sealed record MemoryReport(long ArenaBytes, long NaiveBytes, long LowerBoundBytes, long WeightBytes, long ScratchBytes, int Steps, int InPlaceSteps, int ViewSteps);
public sealed record UnsupportedNodeReport(string Node, string Operator, string Reason);
public sealed record InspectReport(
    string Model, string? Producer, int Opset, TensorReport[] Inputs, TensorReport[] Outputs,
    SortedDictionary<string, int> Operators, int Nodes, long Parameters, long ParameterBytes, long Macs,
    MemoryReport? Memory, UnsupportedNodeReport[] Unsupported, SortedDictionary<string, int> AssumedBindings);

/// <summary><c>edgetoken inspect MODEL.onnx</c>: what a model is and what it costs, before anyone writes a manifest.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var json = CliOptions.Json();
        var bind = CliOptions.Bind();
        var command = new Command("inspect", "Show a model's inputs and outputs, operator histogram, parameters, MACs, planned arena bytes against the naive sum of all intermediate tensors, and the nodes EdgeToken cannot run.")
        {
            model, json, bind,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var report = Inspect(parse.GetValue(model)!, CliOptions.ParseBindings(parse.GetValue(bind)));
            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report);
            return 0;
        }));
        return command;
    }

    public static InspectReport Inspect(string path, Dictionary<string, int> bindings)
    {
        var graph = OnnxImporter.Load(path);
        var assumed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var input in graph.Inputs)
            for (int i = 0; i < (input.DeclaredDims?.Length ?? 0); i++)
            {
                var d = input.DeclaredDims![i];
                string key = d.Symbol ?? $"{input.Name}:{i}";
                // A named dimension may be bound by name or as INPUT:INDEX, as ShapeInference.BindInputs accepts both.
                if (!d.IsStatic && !bindings.ContainsKey(key) && !bindings.ContainsKey($"{input.Name}:{i}")) { bindings[key] = 1; assumed[key] = 1; }
            }

        var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) histogram[n.OpType] = histogram.GetValueOrDefault(n.OpType) + 1;
        var constants = graph.AllValues().Where(v => v.IsConstant).ToList();
        long parameters = constants.Where(v => v.Type.IsFloatingPoint() || v.Type is ElementType.Int8 or ElementType.UInt8).Sum(v => v.Constant!.ElementCount);
        long parameterBytes = constants.Sum(v => (long)v.Constant!.Bytes.Length);
        var inputs = graph.Inputs.Select(v => new TensorReport(v.Name, v.Type.OnnxName(), FormatDeclared(v))).ToArray();
        var outputs = graph.Outputs.Select(v => new TensorReport(v.Name, v.Type.OnnxName(), FormatDeclared(v))).ToArray();

        var unsupported = graph.Nodes.Where(n => !OperatorRegistry.TryGet(n.OpType, out _))
            .Select(n => new UnsupportedNodeReport(n.Name, n.OpType, $"operator {n.OpType} is not in EdgeToken's generated backend"))
            .ToList();

        long macs = 0;
        MemoryReport? memory = null;
        if (unsupported.Count == 0)
        {
            try
            {
                ShapeInference.BindInputs(graph, bindings);
                ShapeInference.Infer(graph);
                macs = MacCounter.Total(graph);
                outputs = graph.Outputs.Select(v => new TensorReport(v.Name, v.Type.OnnxName(), Shape.Format(v.Dims!))).ToArray();
                var compiled = ModelCompiler.CompileFile(path, new CompileOptions { Bindings = bindings });
                var s = compiled.Statistics;
                memory = new MemoryReport(s.ArenaBytes, s.NaiveBytes, s.LowerBoundBytes, s.WeightBytes, s.ScratchBytes, s.Steps, s.InPlaceSteps, s.ViewSteps);
            }
            catch (UnsupportedModelException e)
            {
                string node = e.Message.Split(':')[0];
                unsupported.Add(new UnsupportedNodeReport(node, node.Split(' ')[0], e.Message));
            }
            catch (CompileException e) when (assumed.Count > 0)
            {
                // The size inspect chose is the likely culprit (a window shorter than a kernel, say): say so.
                string guesses = string.Join(", ", assumed.Select(a => $"{a.Key}={a.Value}"));
                throw new CompileException($"{e.Message} (sizes inspect assumed: {guesses}; pass --bind SYMBOL=SIZE with the sizes the model runs at)");
            }
        }
        return new InspectReport(path, graph.Metadata.GetValueOrDefault("producer"), graph.Opset, inputs, outputs, histogram, graph.Nodes.Count,
            parameters, parameterBytes, macs, memory, [.. unsupported], assumed);
    }

    private static string FormatDeclared(Value v) =>
        v.DeclaredDims is null ? "?" : "[" + string.Join("x", v.DeclaredDims.Select(d => d.ToString())) + "]";

    private static void Print(InspectReport r)
    {
        Console.WriteLine($"model      {r.Model}");
        if (r.Producer is not null) Console.WriteLine($"producer   {r.Producer}");
        Console.WriteLine($"opset      {r.Opset}");
        foreach (var i in r.Inputs) Console.WriteLine($"input      {i.Name}: {i.Type}{i.Shape}");
        foreach (var o in r.Outputs) Console.WriteLine($"output     {o.Name}: {o.Type}{o.Shape}");
        foreach (var (k, v) in r.AssumedBindings) Console.WriteLine($"assumed    {k}={v} (pass --bind {k}=N to choose)");
        Console.WriteLine($"nodes      {r.Nodes}");
        Console.WriteLine($"params     {r.Parameters:N0} ({r.ParameterBytes:N0} bytes)");
        Console.WriteLine($"MACs       {r.Macs:N0}");
        if (r.Memory is { } m)
        {
            Console.WriteLine($"arena      {m.ArenaBytes:N0} bytes planned, {m.NaiveBytes:N0} bytes naive (one buffer per tensor), lower bound {m.LowerBoundBytes:N0}");
            Console.WriteLine($"scratch    {m.ScratchBytes:N0} bytes; weights {m.WeightBytes:N0} bytes (not in the arena)");
            Console.WriteLine($"steps      {m.Steps} ({m.InPlaceSteps} in place, {m.ViewSteps} views)");
        }
        Console.WriteLine("operators");
        foreach (var (op, count) in r.Operators) Console.WriteLine($"  {op,-24} {count,5}");
        if (r.Unsupported.Length == 0) Console.WriteLine("unsupported none");
        foreach (var u in r.Unsupported) Console.WriteLine($"unsupported {u.Node}: {u.Reason}");
    }
}
