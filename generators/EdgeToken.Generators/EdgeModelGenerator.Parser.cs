using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>Generation model text (written by the compiler's GenerationModelWriter) -> <see cref="PipelineModel"/>.</summary>
        internal static class Parser
        {
            public const int FormatVersion = 2;

            public static string NormalizePath(string path) => path.Replace('\\', '/');

            /// <summary>The manifest as the pipeline sees it: its path, and where its "backend" key is (a plain text search:
            /// the build step has already checked the JSON, this is only the place to point at).</summary>
            public static ManifestFile Manifest(string path, string? text)
            {
                int at = text?.IndexOf("\"backend\"", StringComparison.Ordinal) ?? -1;
                if (at < 0) return new ManifestFile(NormalizePath(path));
                int line = 1, lineStart = 0;
                for (int i = 0; i < at; i++)
                    if (text![i] == '\n') { line++; lineStart = i + 1; }
                return new ManifestFile(NormalizePath(path), line, at - lineStart + 1);
            }

            public static CompiledResult ParseCompiled(string path, string? text)
            {
                try
                {
                    return Parse(path, text ?? "");
                }
                catch (Exception e) when (e is FormatException || e is IndexOutOfRangeException || e is OverflowException || e is ArgumentException)
                {
                    return Unreadable(path, $"compiled model '{path}' is malformed ({e.Message}); delete it and rebuild");
                }
            }

            /// <summary>Pairs a manifest with the generation model written from it (by the full path recorded inside).</summary>
            public static PipelineResult Match(ManifestFile manifest, ImmutableArray<CompiledResult> compiled)
            {
                foreach (var c in compiled)
                    if (string.Equals(c.ManifestPath, manifest.Path, StringComparison.OrdinalIgnoreCase))
                        return new PipelineResult(c.Model, c.Diagnostics, manifest.BackendLine, manifest.BackendColumn);
                // An unreadable file names no manifest: pair it by file name (x.edgemodel.json -> x.edgemodel.etgen)
                // and report at the manifest, the file the user edits.
                string stem = System.IO.Path.GetFileNameWithoutExtension(manifest.Path);
                foreach (var c in compiled)
                    if (c.ManifestPath.Length == 0 && string.Equals(System.IO.Path.GetFileNameWithoutExtension(c.CompiledPath), stem, StringComparison.OrdinalIgnoreCase))
                    {
                        var moved = new DiagnosticInfo[c.Diagnostics.Count];
                        for (int i = 0; i < moved.Length; i++) moved[i] = c.Diagnostics[i] with { Path = manifest.Path };
                        return new PipelineResult(null, new EquatableArray<DiagnosticInfo>(moved));
                    }
                var missing = new DiagnosticInfo(DiagnosticDescriptors.NotCompiled.Id, manifest.Path, 1, 1,
                    $"'{manifest.Path}' has no compiled model: the EdgeToken build step did not run for it. Reference the EdgeToken package (which imports its build targets), or make sure the manifest is an EdgeModel item");
                return new PipelineResult(null, new EquatableArray<DiagnosticInfo>(new[] { missing }));
            }

            private static CompiledResult Parse(string path, string text)
            {
                var lines = text.Split('\n');
                var header = Fields(lines[0]);
                if (header.Length < 2 || header[0] != "etgen")
                    return Unreadable(path, $"'{path}' is not an EdgeToken generation model; delete it and rebuild");
                if (header[1] != FormatVersion.ToString(CultureInfo.InvariantCulture))
                    return Unreadable(path, $"'{path}' has generation model format {header[1]}, this generator reads format {FormatVersion}; use the same EdgeToken version for the build step and the generator, then rebuild");

                string manifest = "", name = "", ns = "";
                SensorModel? input = null;
                string[]? preprocess = null;
                OutputModel? output = null;
                string[]? plan = null;
                var tensors = new List<TensorModel>();
                var steps = new List<StepModel>();
                var attributes = new List<List<AttributeModel>>();
                var diagnostics = new List<DiagnosticInfo>();
                var chain = new List<DspStageModel>();
                int featuresPerChannel = -1;
                byte[]? weights = null;
                var backend = BackendModel.Generated;
                bool ended = false;
                for (int i = 1; i < lines.Length; i++)
                {
                    if (lines[i].Length == 0) continue;
                    var f = Fields(lines[i]);
                    switch (f[0])
                    {
                        case "name": name = f[1]; break;
                        case "namespace": ns = f[1]; break;
                        case "manifest": manifest = NormalizePath(Unescape(f[1])); break;
                        case "input":
                            input = new SensorModel(Int(f[1]), f[2], Int(f[3]), Int(f[4]), f[5] == "channels-first", EquatableArray<string>.Empty, EquatableArray<string>.Empty);
                            break;
                        case "preprocess": preprocess = f; break;
                        case "chain": featuresPerChannel = Int(f[1]); break;
                        case "dsp": chain.Add(DspStage(f)); break;
                        case "backend":
                            backend = f[1] == "onnxruntime"
                                ? new BackendModel(f[1], Strings(f.Length > 2 ? f[2] : "", unescape: false))
                                : BackendModel.Generated;
                            break;
                        case "output":
                            output = new OutputModel(f[1], f[2], Int(f[3]), Strings(f[4], unescape: true), Strings(f[5], unescape: false));
                            break;
                        case "plan": plan = f; break;
                        case "tensor":
                            tensors.Add(new TensorModel(Unescape(f[2]), Int(f[3]), Ints(f[4]), Int(f[5]), Int(f[6]), Int(f[7])));
                            break;
                        case "step":
                            steps.Add(new StepModel(Unescape(f[2]), f[3], Int(f[4]), Ints(f[5]), Ints(f[6]), EquatableArray<AttributeModel>.Empty));
                            attributes.Add(new List<AttributeModel>());
                            break;
                        case "attr":
                            attributes[Int(f[1])].Add(new AttributeModel(Unescape(f[2]), Int(f[3]), f.Length > 4 ? f[4] : ""));
                            break;
                        case "weights": weights = Convert.FromBase64String(f.Length > 1 ? f[1] : ""); break;
                        case "error":
                            diagnostics.Add(new DiagnosticInfo(f[1], manifest, Int(f[2]), Int(f[3]), Unescape(f[4])));
                            break;
                        case "end": ended = true; break;
                        default:
                            throw new FormatException($"unknown record '{f[0]}' on line {i + 1}");
                    }
                }
                if (!ended) throw new FormatException("it is truncated (no 'end' record)");
                if (manifest.Length == 0) throw new FormatException("it names no manifest");
                if (diagnostics.Count > 0)
                    return new CompiledResult(manifest, NormalizePath(path), null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
                if (input is null || preprocess is null || output is null || plan is null || weights is null)
                    throw new FormatException("a required record is missing");

                input = input with { Scale = Strings(preprocess[1], unescape: false), Offset = Strings(preprocess[2], unescape: false) };
                if (chain.Count > 0)
                {
                    if (featuresPerChannel < 1) throw new FormatException("'dsp' records without a 'chain' record");
                    input = input with { Chain = new EquatableArray<DspStageModel>(chain.ToArray()), FeaturesPerChannel = featuresPerChannel };
                }
                var stepArray = new StepModel[steps.Count];
                for (int s = 0; s < steps.Count; s++)
                    stepArray[s] = steps[s] with { Attributes = new EquatableArray<AttributeModel>(attributes[s].ToArray()) };
                var planModel = new PlanModel(Int(plan[1]), Int(plan[2]), Int(plan[3]), long.Parse(plan[4], CultureInfo.InvariantCulture), Int(plan[5]), Int(plan[6]),
                    new EquatableArray<TensorModel>(tensors.ToArray()), new EquatableArray<StepModel>(stepArray), new EquatableArray<byte>(weights));
                return new CompiledResult(manifest, NormalizePath(path), new PipelineModel(manifest, name, ns, input, output, planModel) { Backend = backend }, EquatableArray<DiagnosticInfo>.Empty);
            }

            /// <summary>dsp, op, input kind, input length, output kind, output length, key=value;... (escaped).</summary>
            private static DspStageModel DspStage(string[] f)
            {
                var pairs = new List<DspArgument>();
                foreach (var pair in Unescape(f[6]).Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
                {
                    int eq = pair.IndexOf('=');
                    if (eq <= 0) throw new FormatException($"dsp argument '{pair}' is not key=value");
                    pairs.Add(new DspArgument(pair.Substring(0, eq), pair.Substring(eq + 1)));
                }
                return new DspStageModel(f[1], f[2], Int(f[3]), f[4], Int(f[5]), new EquatableArray<DspArgument>(pairs.ToArray()));
            }

            private static CompiledResult Unreadable(string path, string message) =>
                new CompiledResult("", NormalizePath(path), null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    new DiagnosticInfo(DiagnosticDescriptors.CompiledModelUnreadable.Id, NormalizePath(path), 1, 1, message),
                }));

            private static string[] Fields(string line) => line.TrimEnd('\r').Split('\t');

            private static int Int(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

            private static EquatableArray<int> Ints(string s)
            {
                if (s.Length == 0) return EquatableArray<int>.Empty;
                var parts = s.Split(',');
                var values = new int[parts.Length];
                for (int i = 0; i < parts.Length; i++) values[i] = Int(parts[i]);
                return new EquatableArray<int>(values);
            }

            private static EquatableArray<string> Strings(string s, bool unescape)
            {
                if (s.Length == 0) return EquatableArray<string>.Empty;
                var parts = s.Split(',');
                if (unescape) for (int i = 0; i < parts.Length; i++) parts[i] = Unescape(parts[i]);
                return new EquatableArray<string>(parts);
            }

            private static string Unescape(string s) => Uri.UnescapeDataString(s);
        }
    }
}
