using System.CommandLine;
using System.Globalization;
using EdgeToken.Sensors.Dsp;
using EdgeToken.Sensors.FrontEnd;
using EdgeToken.Sensors.Replay;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Cli.Commands;

public sealed record BandReport(double LowHz, double HighHz);
public sealed record WindowReport(long Index, double StartSeconds, double EndSeconds, float[] Features, SortedDictionary<string, float[]>? Outputs);
public sealed record ReplayReport(
    string File, double SampleRateHz, int Channels, int WindowLength, int Hop, bool Realtime, BandReport? DemodulationBand,
    string[] FeatureNames, BandReport[] SpectrumBands, BandReport[] EnvelopeBands, string? Plan, WindowReport[] Windows);

/// <summary>
/// <c>edgetoken replay FILE</c>: play a recording through the bearing front end (and optionally a
/// compiled model) and print what a device would compute for every window.
/// </summary>
internal static class ReplayCommand
{
    private const int FrameInstants = 256;

    public static Command Create()
    {
        var file = new Argument<string>("recording") { Description = "Recording to play: .wav or .csv." };
        var realtime = new Option<bool>("--realtime") { Description = "Deliver samples at the recording's own pace instead of as fast as possible." };
        var plan = new Option<string?>("--plan") { Description = "Compiled model (.etplan, from 'edgetoken compile') to run on every window's feature vector." };
        var window = new Option<int>("--window") { Description = "Samples per analysis window.", DefaultValueFactory = _ => 2048 };
        var hop = new Option<int?>("--hop") { Description = "New samples between windows (default: half the window)." };
        var rate = new Option<double?>("--rate") { Description = "Sample rate in Hz of a CSV recording without a time column." };
        var demodulate = new Option<string?>("--demodulate") { Description = "Band LOW:HIGH in Hz demodulated by the envelope analysis, around the housing resonance (default: the whole band)." };
        var json = CliOptions.Json();
        var command = new Command("replay", "Feed a recording through the bearing front end (detrend, statistics, spectrum and envelope band energies) and, with --plan, a compiled model; print every window's result.")
        {
            file, realtime, plan, window, hop, rate, demodulate, json,
        };
        command.SetAction(parse => CliErrors.Run(() => RecordingErrors.Run(() =>
        {
            bool asJson = parse.GetValue(json);
            var report = Replay(parse.GetValue(file)!, parse.GetValue(realtime), parse.GetValue(plan), parse.GetValue(window), parse.GetValue(hop),
                parse.GetValue(rate), ParseBand(parse.GetValue(demodulate)), asJson ? null : Print);
            if (asJson) JsonOutput.Write(report);
            return 0;
        })));
        return command;
    }

    /// <param name="onWindow">Called as each window completes (text output streams, so --realtime shows progress).</param>
    public static ReplayReport Replay(string path, bool realtime, string? planPath, int windowLength, int? hopLength, double? csvRateHz,
        FrequencyBand? demodulation, Action<ReplayReport, WindowReport>? onWindow)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such recording");
        using IRecordingSource source = RecordingFile.Open(path, csvRateHz);
        int hop = hopLength ?? windowLength / 2;
        var options = BearingFrontEndOptions.Default(source.SampleRateHz) with
        {
            WindowLength = windowLength,
            Hop = hop,
            ChannelCount = source.ChannelCount,
            DemodulationBand = demodulation,
        };
        BearingFrontEnd frontEnd = CreateFrontEnd(options);
        var model = planPath is null ? null : ModelOnFeatures.Load(planPath, frontEnd.FeatureCount);

        var windows = new List<WindowReport>();
        var header = new ReplayReport(path, source.SampleRateHz, source.ChannelCount, windowLength, hop, realtime,
            demodulation is { } d ? new BandReport(d.LowHz, d.HighHz) : null, FeatureNames(options),
            [.. options.SpectrumBands.Select(b => new BandReport(b.LowHz, b.HighHz))], [.. options.EnvelopeBands.Select(b => new BandReport(b.LowHz, b.HighHz))],
            planPath, []);

        var ring = new FrameRing(16, FrameInstants * source.ChannelCount, OverflowPolicy.Block);
        var replay = new RecordingReplay(source, FrameInstants);
        Exception? producerError = null;
        bool producerDone = false;
        var producer = new Thread(() =>
        {
            try { replay.Run(ring, realtime ? ReplayPacing.RealTime : ReplayPacing.AsFastAsPossible); }
            catch (Exception e) { producerError = e; }
            finally { Volatile.Write(ref producerDone, true); }
        }) { IsBackground = true, Name = "replay" };
        producer.Start();

        float[] frame = new float[ring.MaxValuesPerFrame];
        // A frame of 256 instants completes at most ceil(256 / hop) + 1 windows.
        float[] features = new float[frontEnd.FeatureCount * ((FrameInstants / hop) + 2)];
        while (true)
        {
            bool done = Volatile.Read(ref producerDone);
            if (!ring.TryRead(out FrameHeader frameHeader, frame))
            {
                if (done) break;
                Thread.Sleep(1);
                continue;
            }

            ReadOnlySpan<float> values = frame.AsSpan(0, frameHeader.ValueCount);
            while (!values.IsEmpty)
            {
                FrontEndProgress progress = frontEnd.Process(values, features);
                for (int w = 0; w < progress.WindowsWritten; w++)
                {
                    long index = windows.Count;
                    long end = windowLength + (index * hop);
                    float[] vector = features.AsSpan(w * frontEnd.FeatureCount, frontEnd.FeatureCount).ToArray();
                    var result = new WindowReport(index, (end - windowLength) / source.SampleRateHz, end / source.SampleRateHz, vector, model?.Run(vector));
                    windows.Add(result);
                    onWindow?.Invoke(header, result);
                }

                values = values[(progress.InstantsConsumed * source.ChannelCount)..];
            }
        }

        producer.Join();
        if (producerError is not null)
        {
            if (producerError is InvalidDataException or EndOfStreamException) throw producerError;
            throw new InvalidOperationException("replay failed", producerError);
        }

        if (windows.Count == 0)
        {
            Console.Error.WriteLine($"warning: {path} holds {replay.Instants} instants, fewer than one window of {windowLength}; nothing to print");
        }

        return header with { Windows = [.. windows] };
    }

    private static BearingFrontEnd CreateFrontEnd(BearingFrontEndOptions options)
    {
        if (options.WindowLength < 2 || options.WindowLength % 2 != 0)
            throw new CliUsageException($"--window {options.WindowLength}: expected an even number of samples of at least 2, e.g. 2048");
        if (options.Hop < 1 || options.Hop > options.WindowLength)
            throw new CliUsageException($"--hop {options.Hop}: expected between 1 and the window length {options.WindowLength}");
        if (options.DemodulationBand is { } band && !(band.LowHz >= 0 && band.HighHz > band.LowHz && band.HighHz <= options.SampleRateHz / 2))
            throw new CliUsageException($"--demodulate {band.LowHz}:{band.HighHz}: expected 0 <= LOW < HIGH <= Nyquist ({options.SampleRateHz / 2} Hz)");
        try
        {
            return new BearingFrontEnd(options);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--window {options.WindowLength}: {e.Message}");
        }
    }

    private static FrequencyBand? ParseBand(string? text)
    {
        if (text is null) return null;
        string[] parts = text.Split(':');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
        {
            return new FrequencyBand(low, high);
        }

        throw new CliUsageException($"--demodulate {text}: expected LOW:HIGH in Hz, e.g. --demodulate 2000:4000");
    }

    /// <summary>Names in the front end's channel-major layout, e.g. <c>ch0.rms</c>, <c>ch0.spectrum.50-100Hz</c>, <c>ch0.envelope.75-100Hz</c>.</summary>
    private static string[] FeatureNames(BearingFrontEndOptions options)
    {
        string[] statistics = ["rms", "peak", "peakToPeak", "crestFactor", "kurtosis", "skewness"];
        var names = new List<string>(options.FeatureCount);
        for (int c = 0; c < options.ChannelCount; c++)
        {
            names.AddRange(statistics.Select(s => $"ch{c}.{s}"));
            names.AddRange(options.SpectrumBands.Select(b => $"ch{c}.spectrum.{b.LowHz:0.##}-{b.HighHz:0.##}Hz"));
            names.AddRange(options.EnvelopeBands.Select(b => $"ch{c}.envelope.{b.LowHz:0.##}-{b.HighHz:0.##}Hz"));
        }

        return [.. names];
    }

    private static void Print(ReplayReport r, WindowReport w)
    {
        if (w.Index == 0)
        {
            Console.WriteLine($"{r.File}: {r.Channels} channels at {r.SampleRateHz:0.###} Hz, window {r.WindowLength}, hop {r.Hop}{(r.Plan is null ? "" : ", model " + r.Plan)}");
        }

        int perChannel = w.Features.Length / r.Channels;
        int envelopeStart = TimeDomainStatistics.Count + r.SpectrumBands.Length;
        var line = new System.Text.StringBuilder(FormattableString.Invariant($"window {w.Index,5}  {w.StartSeconds,8:0.000}-{w.EndSeconds:0.000} s"));
        for (int c = 0; c < r.Channels; c++)
        {
            ReadOnlySpan<float> f = w.Features.AsSpan(c * perChannel, perChannel);
            int top = r.EnvelopeBands.Length == 0 ? -1 : f.Slice(envelopeStart, r.EnvelopeBands.Length).IndexOf(TensorMax(f.Slice(envelopeStart, r.EnvelopeBands.Length)));
            line.Append(CultureInfo.InvariantCulture, $"  ch{c} rms {f[0]:0.0000} kurt {f[4]:0.00}");
            if (top >= 0) line.Append(CultureInfo.InvariantCulture, $" env-peak {r.EnvelopeBands[top].LowHz:0}-{r.EnvelopeBands[top].HighHz:0}Hz");
        }

        foreach (var (name, values) in w.Outputs ?? [])
        {
            line.Append(CultureInfo.InvariantCulture, $"  {name}=[{string.Join(' ', values.Take(8).Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}{(values.Length > 8 ? " …" : "")}]");
        }

        Console.WriteLine(line.ToString());
    }

    private static float TensorMax(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.Max(values);
}
