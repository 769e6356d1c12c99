using System.Text.Json;

namespace EdgeToken.Compiler.Manifests;

public static partial class ManifestParser
{
    /// <summary>The ops a <c>preprocess</c> step can name, in the order docs/manifest.md lists them.</summary>
    public static readonly IReadOnlyList<string> PreprocessOps =
    [
        "scale", "standardize", "removeMean", "detrend", "window", "fft", "magnitude", "power", "magnitudeSpectrum",
        "powerSpectrum", "bandEnergies", "envelopeSpectrum", "stats", "logMel", "mfcc", "bearingFrontEnd",
    ];

    private static readonly string[] WindowKinds = ["hann", "hamming", "blackman", "rectangular"];

    /// <summary>Reads each step's own fields (types and ranges that need nothing else); what depends on the input
    /// or on the neighbouring steps (sizes, Nyquist, order) is <see cref="PreprocessChain.Check"/>'s.</summary>
    private static List<PreprocessStep>? ReadPreprocess(List<JsonElementAt>? items, int? channels, ManifestErrors errors)
    {
        var steps = new List<PreprocessStep>();
        if (items is null) return steps;
        bool ok = true;
        for (int i = 0; i < items.Count; i++)
        {
            string where = $"preprocess[{i}]";
            if (items[i].Kind != JsonTokenType.StartObject)
            {
                errors.Add(ManifestDiagnosticIds.InvalidValue, items[i].Offset, $"'{where}' should be an object such as {{ \"op\": \"scale\", \"factor\": 2 }}, not {items[i].KindName}");
                ok = false;
                continue;
            }
            var obj = new ManifestObject(items[i], where, errors);
            int before = errors.List.Count;
            // After a DSP step, standardize may hold one value per model input (checked by PreprocessChain).
            bool afterDsp = steps.Any(x => !x.IsAffine);
            var step = ReadStep(obj, where, afterDsp ? null : channels, errors);
            obj.Finish();
            if (step is null || errors.List.Count > before) ok = false;
            else steps.Add(step with { At = errors.Positions.At(items[i].Offset) });
        }
        return ok ? steps : null;
    }

    private static PreprocessStep? ReadStep(ManifestObject obj, string where, int? channels, ManifestErrors errors)
    {
        string? op = obj.String("op", true, "\"standardize\"");
        switch (op)
        {
            case null:
                return null;
            case "scale":
            {
                double? factor = obj.Number("factor", false, "2");
                double? offset = obj.Number("offset", false, "0");
                if ((obj.Has("factor") && factor is null) || (obj.Has("offset") && offset is null)) return null;
                return new ScaleStep(factor ?? 1, offset ?? 0);
            }
            case "standardize":
            {
                double[]? mean = obj.Numbers("mean", true, "[0.0, 0.0, 0.0]");
                double[]? std = obj.Numbers("std", true, "[1.0, 1.0, 1.0]");
                bool ok = CheckPerChannel(obj, "mean", mean, channels, errors) & CheckPerChannel(obj, "std", std, channels, errors);
                if (std is not null && std.Any(s => s == 0))
                {
                    errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property("std")!.Value.Offset, $"'{where}.std' contains 0; a standard deviation divides, so it must not be zero");
                    ok = false;
                }
                return ok && mean is not null && std is not null ? new StandardizeStep(mean, std) : null;
            }
            case "removeMean":
                return new RemoveMeanStep();
            case "detrend":
                return new DetrendStep();
            case "window":
            {
                string? kind = obj.String("kind", true, "\"hann\"");
                if (kind is null) return null;
                if (!WindowKinds.Contains(kind))
                {
                    errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, obj.Property("kind")!.Value.Offset,
                        $"'{where}.kind' is \"{kind}\"; use one of {string.Join(", ", WindowKinds.Select(k => $"\"{k}\""))}");
                    return null;
                }
                return new WindowStep(kind);
            }
            case "fft":
                return new FftStep();
            case "magnitude" or "power" or "magnitudeSpectrum" or "powerSpectrum":
                return new SpectrumStep(op);
            case "bandEnergies":
            {
                var bands = Ranges(obj, "bands", true, where, errors);
                return bands is null ? null : new BandEnergiesStep(bands);
            }
            case "envelopeSpectrum":
            {
                var band = Range(obj, "demodulate", where, errors, out bool bad);
                return bad ? null : new EnvelopeSpectrumStep(band);
            }
            case "stats":
            {
                var list = obj.Array("features", true, "[\"rms\", \"kurtosis\"]");
                if (list is null) return null;
                var features = new List<string>();
                foreach (var f in list)
                {
                    if (f.Kind != JsonTokenType.String || !StatsStep.Known.ContainsKey(f.String))
                        errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, f.Offset,
                            $"'{where}.features' holds {(f.Kind == JsonTokenType.String ? $"\"{f.String}\"" : f.KindName)}; the statistics are {string.Join(", ", StatsStep.Known.Keys.Select(k => $"\"{k}\""))}");
                    else features.Add(f.String);
                }
                if (list.Count == 0)
                    errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, obj.Property("features")!.Value.Offset, $"'{where}.features' is empty; name the statistics to compute, e.g. [\"rms\", \"kurtosis\"]");
                return features.Count == list.Count && list.Count > 0 ? new StatsStep(features.ToArray()) : null;
            }
            case "logMel":
            {
                int? bins = obj.Integer("bins", true, "40", min: 1);
                double? low = obj.Number("lowHz", false, "20", min: 0);
                double? high = obj.Number("highHz", false, "8000", min: 0, exclusiveMin: true);
                if (bins is null || (obj.Has("lowHz") && low is null) || (obj.Has("highHz") && high is null)) return null;
                return new LogMelStep(bins.Value, low ?? 0, high);
            }
            case "mfcc":
            {
                int? bins = obj.Integer("bins", false, "26", min: 1);
                int? coefficients = obj.Integer("coefficients", true, "13", min: 1);
                double? low = obj.Number("lowHz", false, "20", min: 0);
                double? high = obj.Number("highHz", false, "8000", min: 0, exclusiveMin: true);
                if (coefficients is null || (obj.Has("bins") && bins is null) || (obj.Has("lowHz") && low is null) || (obj.Has("highHz") && high is null)) return null;
                if (coefficients > (bins ?? 26))
                {
                    errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, obj.Property("coefficients")!.Value.Offset,
                        $"'{where}.coefficients' is {coefficients} but there are {bins ?? 26} mel bins; a DCT of {bins ?? 26} values gives at most {bins ?? 26} coefficients");
                    return null;
                }
                return new MfccStep(bins ?? 26, coefficients.Value, low ?? 0, high);
            }
            case "bearingFrontEnd":
            {
                var spectrum = obj.Has("spectrumBands") ? Ranges(obj, "spectrumBands", true, where, errors) : null;
                var envelope = obj.Has("envelopeBands") ? Ranges(obj, "envelopeBands", true, where, errors) : null;
                var band = Range(obj, "demodulate", where, errors, out bool bad);
                if (bad || (obj.Has("spectrumBands") && spectrum is null) || (obj.Has("envelopeBands") && envelope is null)) return null;
                return new BearingFrontEndStep(spectrum, envelope, band);
            }
            default:
                errors.Add(ManifestDiagnosticIds.UnknownPreprocessOp, obj.Property("op")!.Value.Offset,
                    $"'{where}.op' is \"{op}\", which is not a preprocessing operator{Suggest(op)}; the operators are {string.Join(", ", PreprocessOps.Select(o => $"\"{o}\""))}");
                return null;
        }
    }

    private static string Suggest(string op)
    {
        string? near = PreprocessOps.FirstOrDefault(o => string.Equals(o, op, StringComparison.OrdinalIgnoreCase))
            ?? PreprocessOps.FirstOrDefault(o => o.StartsWith(op, StringComparison.OrdinalIgnoreCase) || op.StartsWith(o, StringComparison.OrdinalIgnoreCase));
        return near is null ? "" : $" (did you mean \"{near}\"?)";
    }

    /// <summary>[[lo, hi], ...]: a non-empty list of increasing, non-negative frequency ranges.</summary>
    private static HertzRange[]? Ranges(ManifestObject obj, string field, bool required, string where, ManifestErrors errors)
    {
        var list = obj.Array(field, required, "[[0, 500], [500, 1000]]");
        if (list is null) return null;
        if (list.Count == 0)
        {
            errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, obj.Property(field)!.Value.Offset, $"'{where}.{field}' is empty; give at least one band [lowHz, highHz]");
            return null;
        }
        var bands = new List<HertzRange>();
        foreach (var item in list)
            if (RangeOf(item, $"{where}.{field}", errors) is HertzRange r) bands.Add(r);
        return bands.Count == list.Count ? bands.ToArray() : null;
    }

    private static HertzRange? Range(ManifestObject obj, string field, string where, ManifestErrors errors, out bool bad)
    {
        bad = false;
        var p = obj.Property(field);
        if (p is null) return null;
        var r = RangeOf(p.Value, $"{where}.{field}", errors);
        bad = r is null;
        return r;
    }

    private static HertzRange? RangeOf(JsonElementAt item, string where, ManifestErrors errors)
    {
        if (item.Kind != JsonTokenType.StartArray || item.Items.Count != 2 || item.Items.Any(v => v.Kind != JsonTokenType.Number))
        {
            errors.Add(ManifestDiagnosticIds.InvalidValue, item.Offset, $"'{where}' holds a band as [lowHz, highHz], two numbers, e.g. [500, 1000]; not {item.KindName}");
            return null;
        }
        double low = item.Items[0].Number, high = item.Items[1].Number;
        if (!double.IsFinite(low) || !double.IsFinite(high) || low < 0 || !(high > low))
        {
            errors.Add(ManifestDiagnosticIds.InvalidPreprocessParameter, item.Offset, $"'{where}' has the band [{item.Items[0].NumberText}, {item.Items[1].NumberText}]; a band needs 0 <= lowHz < highHz");
            return null;
        }
        return new HertzRange(low, high);
    }

    /// <summary>One value for all channels or one per channel; a null <paramref name="channels"/> defers the check.</summary>
    private static bool CheckPerChannel(ManifestObject obj, string field, double[]? values, int? channels, ManifestErrors errors)
    {
        if (values is null || channels is null || values.Length == 1 || values.Length == channels) return true;
        errors.Add(ManifestDiagnosticIds.InvalidValue, obj.Property(field)!.Value.Offset,
            $"{obj.Describe(field)} has {values.Length} values but the input has {channels} channels; give one value for all or one per channel");
        return false;
    }
}
