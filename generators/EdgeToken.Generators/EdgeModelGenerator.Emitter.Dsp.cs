using System.CodeDom.Compiler;
using System.Linq;
using EdgeToken.Generators.Model;

namespace EdgeToken.Generators
{
    public sealed partial class EdgeModelGenerator
    {
        /// <summary>
        /// Preprocess(frames, firstFrame) for a chain with DSP stages: raw frames -> each channel's window (scaled
        /// by the folded input scaling), then, once the window is complete, the chain per channel into the model
        /// input. Every stage is a call into EdgeToken.Sensors on a plan or buffer that is a field, built and sized
        /// with the pipeline, so a window allocates nothing.
        /// </summary>
        /// <remarks>
        /// The chain runs from Preprocess, when the segment that completes the window has been written (Infer writes
        /// the window in one segment, Push in two), so Infer and Push run chain then model without knowing about it.
        /// </remarks>
        internal static class Dsp
        {
            private const string Sensors = "global::EdgeToken.Sensors.Dsp.";
            private const string FrontEnd = "global::EdgeToken.Sensors.FrontEnd.";
            private const string Span = "global::System.Span<float>";

            public static void Write(IndentedTextWriter w, PipelineModel m)
            {
                var s = m.Input;
                w.WriteLine("/// <summary>Values per channel the preprocessing chain gives the model.</summary>");
                w.WriteLine($"public const int FeaturesPerChannel = {s.FeaturesPerChannel};");
                w.WriteLine("/// <summary>Values in the model's input: <see cref=\"Channels\"/> x <see cref=\"FeaturesPerChannel\"/>.</summary>");
                w.WriteLine($"public const int ModelInputLength = {s.Channels * s.FeaturesPerChannel};");
                w.WriteLine();
                bool identity = s.Scale.All(v => v == "1") && s.Offset.All(v => v == "0");
                if (!identity && s.Channels > 1)
                {
                    w.WriteLine($"private static global::System.ReadOnlySpan<float> PreScale => new float[] {{ {string.Join(", ", s.Scale.Select(Emitter.Float))} }};");
                    w.WriteLine($"private static global::System.ReadOnlySpan<float> PreOffset => new float[] {{ {string.Join(", ", s.Offset.Select(Emitter.Float))} }};");
                }
                for (int i = 0; i < s.Chain.Count; i++)
                    if (s.Chain[i].Op == "affine" && !Uniform(s.Chain[i]))
                    {
                        w.WriteLine($"private static global::System.ReadOnlySpan<float> Scale{i} => new float[] {{ {string.Join(", ", s.Chain[i]["scale"].Split(',').Select(Emitter.Float))} }};");
                        w.WriteLine($"private static global::System.ReadOnlySpan<float> Offset{i} => new float[] {{ {string.Join(", ", s.Chain[i]["offset"].Split(',').Select(Emitter.Float))} }};");
                    }
                w.WriteLine();
                w.WriteLine("// The chain's plans and scratch, sized at build time and allocated with the pipeline.");
                w.WriteLine("private readonly float[] _signal = new float[InputLength]; // channel c's window at c * Window");
                for (int i = 0; i < s.Chain.Count; i++) WriteFields(w, s.Chain[i], i);
                w.WriteLine();

                w.WriteLine("/// <summary>Writes whole frames into each channel's window starting at frame <paramref name=\"firstFrame\"/>:");
                w.WriteLine("/// raw * scale[c] + offset[c] (the input scaling and the chain's leading scaling, folded). The segment that");
                w.WriteLine("/// completes the window runs the chain.</summary>");
                w.WriteLine("private void Preprocess(global::System.ReadOnlySpan<float> frames, int firstFrame)");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine("int count = frames.Length / Channels;");
                if (s.Channels == 1 && identity)
                    w.WriteLine("frames.CopyTo(new global::System.Span<float>(_signal, firstFrame, count));");
                else
                {
                    string scale = identity ? "" : s.Channels == 1 ? $" * {Emitter.Float(s.Scale[0])}" : " * PreScale[c]";
                    string offset = identity ? "" : s.Channels == 1 ? $" + {Emitter.Float(s.Offset[0])}" : " + PreOffset[c]";
                    w.WriteLine("for (int t = 0; t < count; t++)");
                    w.WriteLine("    for (int c = 0; c < Channels; c++)");
                    w.WriteLine($"        _signal[c * Window + firstFrame + t] = frames[t * Channels + c]{scale}{offset};");
                }
                w.WriteLine("if (count != 0 && firstFrame + count == Window) RunChain();");
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();

                w.WriteLine($"/// <summary>The preprocessing chain on each channel's window ({string.Join(" -> ", s.Chain.Select(c => c.Op))}), into the model input.</summary>");
                w.WriteLine("private void RunChain()");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine($"var input = {Emitter.MarshalName}.Cast<byte, float>(new global::System.Span<byte>(_arena, InputOffset, ModelInputLength * 4));");
                w.WriteLine("for (int c = 0; c < Channels; c++)");
                w.WriteLine("{");
                w.Indent++;
                w.WriteLine($"{Span} x = new {Span}(_signal, c * Window, Window);");
                string? bins = null; // the index of the stage holding complex bins in _re{i}/_im{i}, when the signal is bins
                for (int i = 0; i < s.Chain.Count; i++) bins = WriteStage(w, s.Chain[i], i, bins);
                WriteOutput(w, s, bins);
                w.Indent--;
                w.WriteLine("}");
                w.Indent--;
                w.WriteLine("}");
                w.WriteLine();
            }

            private static void WriteFields(IndentedTextWriter w, DspStageModel stage, int i)
            {
                string Field(string type, string name, string value) => $"private readonly {type} {name}{i} = new {type}({value});";
                bool buffer = stage.OutputKind != "Samples" && stage.OutputKind != "Bins" && stage.Op != "affine" && stage.Op != "standardizer";
                switch (stage.Op)
                {
                    case "detrend":
                        w.WriteLine(Field(Sensors + "LinearDetrend", "_detrend", stage.InputLength.ToString()));
                        break;
                    case "window":
                        w.WriteLine(Field(Sensors + "Window", "_window", $"{Sensors}WindowKind.{stage["kind"]}, {stage.InputLength}"));
                        break;
                    case "fft":
                    case "magnitudeSpectrum":
                    case "powerSpectrum":
                        int n = int.Parse(stage["n"], System.Globalization.CultureInfo.InvariantCulture);
                        w.WriteLine(Field(Sensors + "RealFft", "_fft", stage["n"]));
                        w.WriteLine($"private readonly float[] _re{i} = new float[{n / 2 + 1}];");
                        w.WriteLine($"private readonly float[] _im{i} = new float[{n / 2 + 1}];");
                        break;
                    case "bandEnergies":
                        w.WriteLine(Field(Sensors + "BandEnergies", "_bands", $"{Bands(stage["bands"])}, {stage["bins"]}, {Emitter.Double(stage["binHz"])}"));
                        break;
                    case "envelopeSpectrum":
                        w.WriteLine(Field(Sensors + "EnvelopeSpectrum", "_envelope", stage.Has("demodulate")
                            ? $"{stage["n"]}, {Emitter.Double(stage["rate"])}, {Band(stage["demodulate"])}"
                            : stage["n"]));
                        break;
                    case "logMel":
                        w.WriteLine(Field(Sensors + "MelFilterbank", "_mel", $"{stage["bins"]}, {stage["n"]}, {Emitter.Double(stage["rate"])}, {Emitter.Double(stage["low"])}, {Emitter.Double(stage["high"])}"));
                        break;
                    case "mfcc":
                        w.WriteLine(Field(Sensors + "Mfcc", "_mfcc", $"{stage["n"]}, {Emitter.Double(stage["rate"])}, {stage["bins"]}, {stage["coefficients"]}, {Emitter.Double(stage["low"])}, {Emitter.Double(stage["high"])}"));
                        break;
                    case "standardizer":
                        // One Standardizer per channel, over that channel's slice of the per-value means and deviations.
                        var mean = stage["mean"].Split(',');
                        var std = stage["std"].Split(',');
                        int perChannel = stage.InputLength;
                        w.WriteLine($"private readonly {Sensors}Standardizer[] _standardizer{i} = new {Sensors}Standardizer[]");
                        w.WriteLine("{");
                        for (int c = 0; c < mean.Length / perChannel; c++)
                            w.WriteLine($"    new {Sensors}Standardizer(new float[] {{ {string.Join(", ", mean.Skip(c * perChannel).Take(perChannel).Select(Emitter.Float))} }}, new float[] {{ {string.Join(", ", std.Skip(c * perChannel).Take(perChannel).Select(Emitter.Float))} }}),");
                        w.WriteLine("};");
                        break;
                    case "bearingFrontEnd":
                        string options = $"new {FrontEnd}BearingFrontEndOptions({Emitter.Double(stage["rate"])}, {stage["n"]}, {stage["n"]}, 1, {Bands(stage["spectrum"])}, {Bands(stage["envelope"])})"
                            + (stage.Has("demodulate") ? $" {{ DemodulationBand = {Band(stage["demodulate"])} }}" : "");
                        w.WriteLine(Field(FrontEnd + "BearingFrontEnd", "_frontEnd", options));
                        break;
                }
                if (buffer) w.WriteLine($"private readonly float[] _stage{i} = new float[{stage.OutputLength}];");
            }

            /// <summary>Writes one stage's call; returns the stage whose _re/_im hold the signal when it is complex bins.</summary>
            private static string? WriteStage(IndentedTextWriter w, DspStageModel stage, int i, string? bins)
            {
                w.WriteLine($"// {i}: {stage.Op} ({stage.InputKind} {stage.InputLength} -> {stage.OutputKind} {stage.OutputLength})");
                switch (stage.Op)
                {
                    case "affine":
                        if (Uniform(stage))
                            w.WriteLine($"{Sensors}ScaleOffset.Apply(x, {Emitter.Float(stage["scale"].Split(',')[0])}, {Emitter.Float(stage["offset"].Split(',')[0])}, x);");
                        else
                            w.WriteLine($"{Sensors}ScaleOffset.Apply(x, Scale{i}[c], Offset{i}[c], x);");
                        return null;
                    case "standardizer":
                        w.WriteLine($"_standardizer{i}[c].Apply(x, x);");
                        return null;
                    case "removeMean":
                        w.WriteLine($"{Sensors}MeanRemoval.Apply(x, x);");
                        return null;
                    case "detrend":
                        w.WriteLine($"_detrend{i}.Apply(x, x);");
                        return null;
                    case "window":
                        w.WriteLine($"_window{i}.Apply(x, x);");
                        return null;
                    case "fft":
                        w.WriteLine($"_fft{i}.Forward(x, _re{i}, _im{i});");
                        return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    case "magnitudeSpectrum":
                    case "powerSpectrum":
                        w.WriteLine($"_fft{i}.Forward(x, _re{i}, _im{i});");
                        w.WriteLine($"{Sensors}Spectrum.{(stage.Op == "powerSpectrum" ? "Power" : "Magnitude")}(_re{i}, _im{i}, _stage{i});");
                        break;
                    case "magnitude":
                    case "power":
                        w.WriteLine($"{Sensors}Spectrum.{(stage.Op == "power" ? "Power" : "Magnitude")}(_re{bins}, _im{bins}, _stage{i});");
                        break;
                    case "bandEnergies":
                        w.WriteLine($"_bands{i}.Compute(x, _stage{i});");
                        break;
                    case "envelopeSpectrum":
                        w.WriteLine(stage.InputKind == "Bins"
                            ? $"_envelope{i}.ComputeFromSpectrum(_re{bins}, _im{bins}, _stage{i});"
                            : $"_envelope{i}.Compute(x, _stage{i});");
                        break;
                    case "stats":
                        w.WriteLine($"var statistics{i} = {Sensors}TimeDomainStatistics.Compute(x);");
                        var features = stage["features"].Split(',');
                        for (int k = 0; k < features.Length; k++) w.WriteLine($"_stage{i}[{k}] = statistics{i}.{features[k]};");
                        break;
                    case "logMel":
                        w.WriteLine($"_mel{i}.ApplyLog(x, _stage{i});");
                        break;
                    case "mfcc":
                        w.WriteLine($"_mfcc{i}.Compute(x, _stage{i});");
                        break;
                    case "bearingFrontEnd":
                        w.WriteLine($"_frontEnd{i}.Process(x, _stage{i});");
                        break;
                    default:
                        throw new System.FormatException($"unknown dsp stage '{stage.Op}'");
                }
                w.WriteLine($"x = _stage{i};");
                return null;
            }

            private static void WriteOutput(IndentedTextWriter w, SensorModel s, string? bins)
            {
                w.WriteLine("// Into the model input, " + (s.ChannelsFirst || s.Channels == 1 ? "one row per channel." : "channels interleaved (channels-last)."));
                bool rows = s.ChannelsFirst || s.Channels == 1;
                if (bins is not null)
                {
                    // Complex bins at the end: the real parts, then the imaginary parts.
                    int n = s.FeaturesPerChannel / 2;
                    if (rows)
                    {
                        w.WriteLine($"new {Span}(_re{bins}).CopyTo(input.Slice(c * FeaturesPerChannel, {n}));");
                        w.WriteLine($"new {Span}(_im{bins}).CopyTo(input.Slice(c * FeaturesPerChannel + {n}, {n}));");
                    }
                    else
                    {
                        w.WriteLine($"for (int k = 0; k < {n}; k++)");
                        w.WriteLine("{");
                        w.WriteLine($"    input[k * Channels + c] = _re{bins}[k];");
                        w.WriteLine($"    input[({n} + k) * Channels + c] = _im{bins}[k];");
                        w.WriteLine("}");
                    }
                    return;
                }
                if (rows)
                    w.WriteLine("x.Slice(0, FeaturesPerChannel).CopyTo(input.Slice(c * FeaturesPerChannel, FeaturesPerChannel));");
                else
                    w.WriteLine("for (int k = 0; k < FeaturesPerChannel; k++) input[k * Channels + c] = x[k];");
            }

            private static bool Uniform(DspStageModel stage) =>
                stage["scale"].Split(',').Distinct().Count() == 1 && stage["offset"].Split(',').Distinct().Count() == 1;

            private static string Band(string range)
            {
                var parts = range.Split(':');
                return $"new {Sensors}FrequencyBand({Emitter.Double(parts[0])}, {Emitter.Double(parts[1])})";
            }

            private static string Bands(string ranges) =>
                $"new {Sensors}FrequencyBand[] {{ {string.Join(", ", ranges.Split(',').Select(Band))} }}";
        }
    }
}
