using System.Globalization;

namespace EdgeToken.Cli.Commands;

/// <summary>What <c>--source</c> names: the machinery simulator, a serial port, or a recording to re-record.</summary>
internal enum SensorSourceKind
{
    Simulator,
    Serial,
    Replay,
}

/// <summary>
/// A parsed <c>--source</c>: <c>simulator</c>, <c>serial:/dev/ttyUSB0[:BAUD]</c> or <c>replay:FILE.wav|csv</c>.
/// </summary>
internal sealed record SensorSourceSpec(SensorSourceKind Kind, string? Path, int BaudRate)
{
    /// <summary>UART speed when the spec gives none: the common fast setting of USB-serial bridges.</summary>
    public const int DefaultBaudRate = 921_600;

    public static SensorSourceSpec Parse(string text)
    {
        if (text == "simulator")
        {
            return new SensorSourceSpec(SensorSourceKind.Simulator, null, 0);
        }

        if (text.StartsWith("replay:", StringComparison.Ordinal) && text.Length > "replay:".Length)
        {
            return new SensorSourceSpec(SensorSourceKind.Replay, text["replay:".Length..], 0);
        }

        if (text.StartsWith("serial:", StringComparison.Ordinal) && text.Length > "serial:".Length)
        {
            string rest = text["serial:".Length..];
            int colon = rest.LastIndexOf(':');
            if (colon > 0 && rest.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0 && colon + 1 < rest.Length)
            {
                if (!int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int baud) || baud < 1)
                {
                    throw new CliUsageException($"--source {text}: baud rate '{rest[(colon + 1)..]}' is not a positive whole number");
                }

                return new SensorSourceSpec(SensorSourceKind.Serial, rest[..colon], baud);
            }

            return new SensorSourceSpec(SensorSourceKind.Serial, rest, DefaultBaudRate);
        }

        throw new CliUsageException($"--source {text}: expected 'simulator', 'serial:/dev/ttyUSB0[:BAUD]' or 'replay:FILE.wav' (or .csv)");
    }

    public override string ToString() => Kind switch
    {
        SensorSourceKind.Simulator => "simulator",
        SensorSourceKind.Serial => $"serial:{Path}:{BaudRate}",
        _ => $"replay:{Path}",
    };
}
