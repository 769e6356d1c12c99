using System.CommandLine;
using EdgeToken.Sensors.Machinery;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Cli.Commands;

public sealed record RecordReport(
    string Source, string Output, string Format, double SampleRateHz, int Channels, long Instants, long RequestedInstants,
    double Seconds, bool Complete, SerialLinkReport? Link);

/// <summary><c>edgetoken record --source S --duration SECONDS --out FILE.csv|wav</c>: capture a sensor stream to a recording.</summary>
internal static class RecordCommand
{
    /// <summary>Rate of the simulated axle box when --rate is not given: 20.48 kHz, a common vibration DAQ setting (2048-point windows of 0.1 s).</summary>
    private const double SimulatorDefaultRateHz = 20480;

    public static Command Create()
    {
        var source = new Option<string>("--source", "-s") { Description = "simulator | serial:/dev/ttyUSB0[:BAUD] | replay:FILE.wav (or .csv) | i2c:BUS:ADDRESS[:adxl345|lis3dh] (e.g. i2c:1:0x53).", Required = true };
        var duration = new Option<double>("--duration", "-d") { Description = "Seconds of samples to record (at the source's sample rate).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Recording to write: .csv (time column + one column per channel) or .wav.", Required = true };
        var rate = new Option<double?>("--rate") { Description = "Sample rate in Hz: of the simulator (default 20480), of the serial device (required), of the I2C accelerometer (a rate the part has; default ADXL345 800, LIS3DH 400), or of a CSV source without a time column." };
        var channels = new Option<int?>("--channels") { Description = "Channels: of the simulator (default 3), or expected from the serial device (default: what the frames say; 3 for --protocol csv)." };
        var seed = new Option<ulong>("--seed") { Description = "Simulator random seed; the same seed and options give the same samples.", DefaultValueFactory = _ => 1 };
        var fault = new Option<string?>("--fault") { Description = "Simulated bearing fault: outer | inner | ball | cage (default: healthy)." };
        var faultStart = new Option<double>("--fault-start") { Description = "Seconds into the recording at which the fault's impacts begin.", DefaultValueFactory = _ => 0 };
        var faultAmplitude = new Option<double>("--fault-amplitude") { Description = "Peak acceleration of one fault impact in g.", DefaultValueFactory = _ => 1.0 };
        var encoding = new Option<string>("--encoding") { Description = "WAV sample encoding: float32 | pcm16 | pcm24 (PCM clips at ±1.0).", DefaultValueFactory = _ => "float32" };
        var protocol = new Option<string>("--protocol") { Description = "Serial protocol: frames (COBS + CRC-16) | csv (text lines).", DefaultValueFactory = _ => "frames" };
        var scale = new Option<float>("--scale") { Description = "Engineering units per count of int16 serial frames (e.g. 0.00390625 = 1/256 g for an ADXL345).", DefaultValueFactory = _ => 1f };
        var timeout = new Option<double?>("--timeout") { Description = "Serial and I2C: give up after this many wall-clock seconds (default: duration + 10)." };
        var json = CliOptions.Json();
        var command = new Command("record", "Capture a sensor source (machinery simulator, serial port, I2C accelerometer, or another recording) to a CSV or WAV recording.")
        {
            source, duration, output, rate, channels, seed, fault, faultStart, faultAmplitude, encoding, protocol, scale, timeout, json,
        };
        command.SetAction(parse => CliErrors.Run(() => RecordingErrors.Run(() =>
        {
            var spec = SensorSourceSpec.Parse(parse.GetValue(source)!);
            double seconds = parse.GetValue(duration);
            if (!(seconds > 0))
            {
                throw new CliUsageException($"--duration {seconds}: expected a positive number of seconds");
            }

            string path = parse.GetValue(output)!;
            if (!RecordingFile.IsSupported(path))
            {
                throw new CliUsageException($"--out {path}: expected a .csv or .wav file");
            }

            WavEncoding wav = ParseEncoding(parse.GetValue(encoding)!);
            CaptureResult result;
            switch (spec.Kind)
            {
                case SensorSourceKind.Simulator:
                    double simRate = parse.GetValue(rate) ?? SimulatorDefaultRateHz;
                    var machine = Simulator(simRate, parse.GetValue(channels) ?? 3, parse.GetValue(seed), parse.GetValue(fault),
                        parse.GetValue(faultStart), parse.GetValue(faultAmplitude));
                    result = SensorCapture.FromSimulator(machine, (long)Math.Round(seconds * simRate), path, wav);
                    break;
                case SensorSourceKind.Replay:
                    result = SensorCapture.FromRecording(spec.Path!, parse.GetValue(rate), seconds, path, wav);
                    break;
                case SensorSourceKind.I2c:
                    using (var chip = I2cAccelerometer.Open(OpenI2c(spec), spec.I2cPart, parse.GetValue(rate) ?? I2cAccelerometer.DefaultRateHz(spec.I2cPart), spec.ToString()))
                    {
                        result = SensorCapture.FromI2c(chip, seconds, TimeSpan.FromSeconds(parse.GetValue(timeout) ?? seconds + 10), path, wav);
                    }

                    break;
                default:
                    double serialRate = parse.GetValue(rate) ?? throw new CliUsageException($"--source {spec}: pass --rate with the device's sample rate in Hz (timestamps and the recording's time column come from it)");
                    var timeoutSeconds = TimeSpan.FromSeconds(parse.GetValue(timeout) ?? seconds + 10);
                    result = SensorCapture.FromSerial(spec, ParseProtocol(parse.GetValue(protocol)!), serialRate, parse.GetValue(channels),
                        parse.GetValue(scale), seconds, timeoutSeconds, path, wav);
                    break;
            }

            long requested = (long)Math.Round(seconds * result.SampleRateHz);
            var report = new RecordReport(spec.ToString(), path, RecordingFile.IsWav(path) ? "wav" : "csv", result.SampleRateHz, result.Channels,
                result.Instants, requested, result.Instants / result.SampleRateHz, result.Complete, result.Link);
            if (!result.Complete)
            {
                Console.Error.WriteLine($"warning: {spec} delivered {result.Instants} of {requested} instants; {path} is shorter than --duration");
            }

            if (parse.GetValue(json)) JsonOutput.Write(report);
            else Print(report);
            return 0;
        })));
        return command;
    }

    private static MachineryOptions Simulator(double rateHz, int channels, ulong seed, string? fault, double faultStart, double faultAmplitude)
    {
        if (!(rateHz > 0)) throw new CliUsageException($"--rate {rateHz}: expected a positive sample rate in Hz");
        if (channels < 1) throw new CliUsageException($"--channels {channels}: expected at least 1");
        BearingFault[] faults = fault is null ? [] : [new BearingFault(ParseFault(fault), faultStart, GrowthSeconds: 0, faultAmplitude)];
        var machine = MachineryOptions.AxleBox(seed, faults);
        if (machine.Resonance.FrequencyHz >= rateHz / 2)
        {
            throw new CliUsageException($"--rate {rateHz}: the simulated housing resonance at {machine.Resonance.FrequencyHz} Hz needs a sample rate above {2 * machine.Resonance.FrequencyHz} Hz");
        }

        // Further axes see the bearing through more of the housing; beyond the default three, the weakest gain repeats.
        double[] gains = Enumerable.Range(0, channels).Select(c => machine.ChannelGains[Math.Min(c, machine.ChannelGains.Length - 1)]).ToArray();
        return machine with { SampleRateHz = rateHz, ChannelGains = gains };
    }

    /// <summary>The bus device for the spec; a bus that does not exist or an address that does not acknowledge is
    /// a user error naming both.</summary>
    private static System.Device.I2c.I2cDevice OpenI2c(SensorSourceSpec spec)
    {
        string device = $"/dev/i2c-{spec.I2cBus}";
        if (OperatingSystem.IsLinux() && !File.Exists(device))
        {
            throw new CliUsageException($"--source {spec}: {device} does not exist (is the I2C bus enabled, e.g. dtparam=i2c_arm=on, and is the i2c-dev module loaded?)");
        }

        try
        {
            return System.Device.I2c.I2cDevice.Create(new System.Device.I2c.I2cConnectionSettings(spec.I2cBus, spec.I2cAddress));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            throw new CliUsageException($"--source {spec}: cannot open {device} at 0x{spec.I2cAddress:X2}: {e.Message}");
        }
    }

    private static BearingFaultKind ParseFault(string text) => text switch
    {
        "outer" => BearingFaultKind.OuterRace,
        "inner" => BearingFaultKind.InnerRace,
        "ball" => BearingFaultKind.RollingElement,
        "cage" => BearingFaultKind.Cage,
        _ => throw new CliUsageException($"--fault {text}: expected outer, inner, ball or cage"),
    };

    private static WavEncoding ParseEncoding(string text) => text switch
    {
        "float32" => WavEncoding.Float32,
        "pcm16" => WavEncoding.Pcm16,
        "pcm24" => WavEncoding.Pcm24,
        _ => throw new CliUsageException($"--encoding {text}: expected float32, pcm16 or pcm24"),
    };

    private static SerialProtocol ParseProtocol(string text) => text switch
    {
        "frames" => SerialProtocol.Frames,
        "csv" => SerialProtocol.Csv,
        _ => throw new CliUsageException($"--protocol {text}: expected frames or csv"),
    };

    private static void Print(RecordReport r)
    {
        Console.WriteLine($"wrote {r.Output} ({r.Format}): {r.Instants:N0} instants x {r.Channels} channels at {r.SampleRateHz:0.###} Hz = {r.Seconds:0.###} s from {r.Source}");
        if (r.Link is { } l)
        {
            Console.WriteLine($"link  {l.FramesDecoded:N0} frames, {l.BytesReceived:N0} bytes; rejected: cobs {l.CobsErrors}, crc {l.CrcErrors}, truncated {l.TruncatedFrames}, oversized {l.OversizedFrames}, unsupported {l.UnsupportedFrames}, malformed lines {l.MalformedLines}");
            Console.WriteLine($"      sequence gaps {l.SequenceGaps} ({l.MissedFrames} frames missed), reconnects {l.Reconnects}");
        }
    }
}
