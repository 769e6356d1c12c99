using System.CodeDom.Compiler;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>The typed result of one window: the label enum and result struct, and Decide() (threshold + debounce).</summary>
        internal static class ResultTypes
        {
            public static void Write(IndentedTextWriter w, PipelineModel m)
            {
                switch (m.Output.Kind)
                {
                    case "classes":
                        w.WriteLine($"/// <summary>The classes of <see cref=\"{m.Name}\"/>, in the order of the model's scores.</summary>");
                        w.WriteLine($"public enum {m.Name}Label");
                        w.WriteLine("{");
                        w.Indent++;
                        for (int i = 0; i < m.Output.Members.Count; i++)
                        {
                            w.WriteLine($"/// <summary>Label {Emitter.String(m.Output.Labels[i]).Replace("<", "&lt;").Replace("&", "&amp;")}.</summary>");
                            w.WriteLine($"{m.Output.Members[i]} = {i},");
                        }
                        w.Indent--;
                        w.WriteLine("}");
                        w.WriteLine();
                        w.WriteLine("/// <summary>One window's result: the best class and its score, and the decision after the threshold and debounce");
                        w.WriteLine("/// (null until some class has passed the threshold for Debounce windows in a row).</summary>");
                        w.WriteLine($"public readonly record struct {m.Name}Result(long Window, {m.Name}Label Top, float TopScore, {m.Name}Label? Decision, bool DecisionChanged);");
                        break;
                    case "anomaly":
                        w.WriteLine("/// <summary>One window's result: the anomaly score, and the decision after the threshold and debounce.</summary>");
                        w.WriteLine($"public readonly record struct {m.Name}Result(long Window, float Score, bool IsAnomaly, bool DecisionChanged);");
                        break;
                    default:
                        w.WriteLine($"/// <summary>One window's result; the values are in <see cref=\"{m.Name}.Output\"/>.</summary>");
                        w.WriteLine($"public readonly record struct {m.Name}Result(long Window);");
                        break;
                }
            }

            public static void WriteDecide(IndentedTextWriter w, PipelineModel m)
            {
                w.WriteLine($"private {m.Name}Result Decide()");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine("long window = _windows++;");
                switch (m.Output.Kind)
                {
                    case "classes":
                        w.WriteLine("var scores = Output;");
                        w.WriteLine("int top = 0;");
                        w.WriteLine("for (int i = 1; i < OutputLength; i++) if (scores[i] > scores[top]) top = i;");
                        w.WriteLine("bool changed = _debouncer.Update(scores[top] >= Threshold ? top : -1);");
                        w.WriteLine($"{m.Name}Label? decision = _debouncer.Decision < 0 ? null : ({m.Name}Label)_debouncer.Decision;");
                        w.WriteLine($"return new {m.Name}Result(window, ({m.Name}Label)top, scores[top], decision, changed);");
                        break;
                    case "anomaly":
                        w.WriteLine("float score = Output[0];");
                        w.WriteLine("bool changed = _debouncer.Update(score >= Threshold ? 1 : 0);");
                        w.WriteLine($"return new {m.Name}Result(window, score, _debouncer.Decision == 1, changed);");
                        break;
                    default:
                        w.WriteLine($"return new {m.Name}Result(window);");
                        break;
                }
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();
            }
        }
    }
}
