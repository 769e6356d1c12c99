using System.CodeDom.Compiler;
using System.Linq;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// Backend "onnxruntime": the same class, but Run() hands the arena's input and output to one ONNX Runtime
        /// session (EdgeToken.Runtime.OnnxRuntime.OnnxRuntimePipeline) instead of running steps. The arena holds just
        /// the model input and output, pinned, bound once through OrtIoBinding; the ONNX file is the class's static
        /// data. The manifest's execution providers are tried in order, CPU last, and one line says which runs.
        /// </summary>
        internal static class OnnxRuntime
        {
            private const string Ort = "global::EdgeToken.Runtime.OnnxRuntime.";

            public static void WriteFields(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("// The ONNX model: RVA data in the assembly image; ONNX Runtime gets one copy when the session is built.");
                Steps.WriteFields(w, m); // no steps: writes the weights (here the model bytes) only
                string providers = string.Join(", ", m.Backend.Providers.Select(Emitter.String));
                w.WriteLine("/// <summary>The manifest's execution providers, in the order they are tried (CPU is the fallback).</summary>");
                w.WriteLine($"public static global::System.Collections.Generic.IReadOnlyList<string> ExecutionProviders {{ get; }} = new string[] {{ {providers} }};");
                w.WriteLine($"private readonly {Ort}OnnxRuntimePipeline _onnxRuntime;");
                w.WriteLine();
            }

            public static void WriteConstructorHeader(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("/// <summary>Allocates the pinned arena (model input and output) and builds the ONNX Runtime session on the first");
                w.WriteLine("/// execution provider that works; <paramref name=\"log\"/> gets the line naming it (null: stderr).</summary>");
                w.WriteLine($"public {m.Name}(global::System.Action<string>? log = null)");
            }

            public static void WriteConstruction(IndentedTextWriter w, PipelineModel m)
            {
                var input = m.Plan.Tensors[m.Plan.Input];
                var output = m.Plan.Tensors[m.Plan.Output];
                w.WriteLine($"_onnxRuntime = new {Ort}OnnxRuntimePipeline(Weights.ToArray(), ExecutionProviders,");
                w.WriteLine($"    global::System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(_arena, InputOffset), new long[] {{ {string.Join(", ", input.Dims.Select(d => d + "L"))} }},");
                w.WriteLine($"    global::System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(_arena, OutputOffset), new long[] {{ {string.Join(", ", output.Dims.Select(d => d + "L"))} }}, log);");
            }

            public static void WriteRun(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("/// <summary>The execution provider that runs this pipeline (\"cpu\" when none of the preferred ones works).</summary>");
                w.WriteLine("public string ExecutionProvider => _onnxRuntime.Selection.Provider;");
                w.WriteLine();
                w.WriteLine("/// <summary>One ONNX Runtime run over the bound arena (RunWithBinding: nothing allocated per call).</summary>");
                w.WriteLine("private void Run() => _onnxRuntime.Run();");
                w.WriteLine();
                w.WriteLine("/// <summary>Releases the ONNX Runtime session and its bound values.</summary>");
                w.WriteLine("public void Dispose() => _onnxRuntime.Dispose();");
                w.WriteLine();
            }
        }
    }
}
