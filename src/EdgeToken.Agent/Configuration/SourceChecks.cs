using EdgeToken.Sensors.Devices.Lis3dh;
using EdgeToken.Sensors.Replay;

namespace EdgeToken.Agent.Configuration;

/// <summary>What agent.json's sources are checked against at start, and the driver values their numbers map to.</summary>
internal static class SourceChecks
{
    /// <summary>Null when the recording opens (its header or first line is read); otherwise what is wrong.</summary>
    public static string? RecordingProblem(string path, double? sampleRateHz)
    {
        if (!File.Exists(path)) return $"the recording {path} does not exist (write one with `edgetoken record`)";
        if (!RecordingFile.IsSupported(path)) return $"{path}: expected a .csv or .wav recording";
        try
        {
            using var recording = RecordingFile.Open(path, sampleRateHz);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            return e.Message;
        }
    }

    public static double RecordingRate(string path, double? sampleRateHz)
    {
        using var recording = RecordingFile.Open(path, sampleRateHz);
        return recording.SampleRateHz;
    }

    public static DataRate? Lis3dhRate(double hz) => hz switch
    {
        1 => DataRate.Hz1, 10 => DataRate.Hz10, 25 => DataRate.Hz25, 50 => DataRate.Hz50, 100 => DataRate.Hz100,
        200 => DataRate.Hz200, 400 => DataRate.Hz400, 1344 => DataRate.Hz1344, _ => null,
    };

    public static FullScale? Lis3dhScale(int g) => g switch
    {
        2 => FullScale.PlusMinus2, 4 => FullScale.PlusMinus4, 8 => FullScale.PlusMinus8, 16 => FullScale.PlusMinus16, _ => null,
    };
}
