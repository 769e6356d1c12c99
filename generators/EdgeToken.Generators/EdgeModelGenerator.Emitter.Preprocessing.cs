using System.CodeDom.Compiler;
using System.Linq;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>Preprocess(frames, firstFrame): raw interleaved frames -> the model's input tensor, with the
        /// folded per-channel scale and offset as constants and the layout's index arithmetic specialised.
        /// A chain with DSP stages is written by <see cref="Dsp"/> instead.</summary>
        internal static class Preprocessing
        {
            public static void Write(IndentedTextWriter w, PipelineModel m)
            {
                if (m.Input.Chain.Count > 0)
                {
                    Dsp.Write(w, m);
                    return;
                }
                var s = m.Input;
                bool identity = s.Scale.All(v => v == "1") && s.Offset.All(v => v == "0");
                bool inOrder = !s.ChannelsFirst || s.Channels == 1;
                string input = $"{Emitter.MarshalName}.Cast<byte, float>(new global::System.Span<byte>(_arena, InputOffset, InputLength * 4))";
                if (!identity && s.Channels > 1)
                {
                    w.WriteLine($"private static global::System.ReadOnlySpan<float> PreScale => new float[] {{ {string.Join(", ", s.Scale.Select(Emitter.Float))} }};");
                    w.WriteLine($"private static global::System.ReadOnlySpan<float> PreOffset => new float[] {{ {string.Join(", ", s.Offset.Select(Emitter.Float))} }};");
                    w.WriteLine();
                }
                w.WriteLine("/// <summary>Writes whole frames into the model input starting at frame <paramref name=\"firstFrame\"/>:");
                w.WriteLine("/// model = raw * scale[c] + offset[c] (the manifest's input scaling and preprocessing chain, folded).</summary>");
                w.WriteLine("private void Preprocess(global::System.ReadOnlySpan<float> frames, int firstFrame)");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine($"var input = {input};");
                if (identity && inOrder)
                {
                    w.WriteLine("frames.CopyTo(input.Slice(firstFrame * Channels));");
                }
                else if (s.Channels == 1)
                {
                    w.WriteLine("var target = input.Slice(firstFrame, frames.Length);");
                    w.WriteLine($"for (int t = 0; t < frames.Length; t++) target[t] = frames[t] * {Emitter.Float(s.Scale[0])} + {Emitter.Float(s.Offset[0])};");
                }
                else
                {
                    string scale = identity ? "1f" : "PreScale[c]";
                    string offset = identity ? "0f" : "PreOffset[c]";
                    string target = s.ChannelsFirst ? "c * Window + firstFrame + t" : "(firstFrame + t) * Channels + c";
                    w.WriteLine("int count = frames.Length / Channels;");
                    w.WriteLine("for (int t = 0; t < count; t++)");
                    w.WriteLine("    for (int c = 0; c < Channels; c++)");
                    w.WriteLine($"        input[{target}] = frames[t * Channels + c] * {scale} + {offset};");
                }
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();
            }
        }
    }
}
