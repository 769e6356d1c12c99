using System.CodeDom.Compiler;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>Push: samples as they arrive into a ring of one window; every Hop frames the ring is
        /// preprocessed (oldest frame first, in two segments) straight into the model input and the model runs.
        /// Each sample is copied once into the ring and once into the model input, never with the history.</summary>
        internal static class Streaming
        {
            public static void Write(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine("/// <summary>Feeds samples (frames of <see cref=\"Channels\"/> interleaved raw values) as they arrive. Consumes");
                w.WriteLine("/// them up to the next completed window and returns true with that window's result, or false when all were");
                w.WriteLine("/// consumed without completing one. The first window completes after <see cref=\"Window\"/> frames, then one");
                w.WriteLine("/// every <see cref=\"Hop\"/> frames. Call it in a loop: <c>while (p.Push(ref samples, out var r)) Use(r);</c></summary>");
                w.WriteLine($"public bool Push(ref global::System.ReadOnlySpan<float> samples, out {m.Name}Result result)");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine("while (!samples.IsEmpty)");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine("int needed = _ringFilled < InputLength ? InputLength - _ringFilled : Hop * Channels - _sinceWindow;");
                w.WriteLine("int chunk = global::System.Math.Min(global::System.Math.Min(samples.Length, needed), InputLength - _ringWrite);");
                w.WriteLine("samples.Slice(0, chunk).CopyTo(new global::System.Span<float>(_ring, _ringWrite, chunk));");
                w.WriteLine("samples = samples.Slice(chunk);");
                w.WriteLine("_ringWrite = (_ringWrite + chunk) % InputLength;");
                w.WriteLine("if (_ringFilled < InputLength) _ringFilled += chunk;");
                w.WriteLine("else _sinceWindow += chunk;");
                w.WriteLine("if (chunk != needed) continue;");
                w.WriteLine("_sinceWindow = 0;");
                w.WriteLine("// The ring is full and _ringWrite points at the oldest frame.");
                w.WriteLine("Preprocess(new global::System.ReadOnlySpan<float>(_ring, _ringWrite, InputLength - _ringWrite), 0);");
                w.WriteLine("Preprocess(new global::System.ReadOnlySpan<float>(_ring, 0, _ringWrite), (InputLength - _ringWrite) / Channels);");
                w.WriteLine("Run();");
                w.WriteLine("result = Decide();");
                w.WriteLine("return true;");
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine("result = default;");
                w.WriteLine("return false;");
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();
                w.WriteLine("/// <summary>Forgets the streamed samples and the debounce state (after a gap in the data).</summary>");
                w.WriteLine("public void Reset()");
                w.WriteLine("{");
                w.WriteLine("    _ringWrite = 0;");
                w.WriteLine("    _ringFilled = 0;");
                w.WriteLine("    _sinceWindow = 0;");
                if (m.Output.Kind != "regression") w.WriteLine("    _debouncer = new global::EdgeToken.Runtime.Generated.Debouncer(Debounce);");
                w.WriteLine("}");
                w.WriteLine();
            }
        }
    }
}
