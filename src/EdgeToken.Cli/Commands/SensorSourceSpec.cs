using System.Globalization;

namespace EdgeToken.Cli.Commands;

/// <summary>What <c>--source</c> names: the machinery simulator, a serial port, or a recording to re-record.</summary>
internal enum SensorSourceKind
{
    Simulator,
    Serial,
    Replay,
    I2c,
}

/// <summary>
/// A parsed <c>--source</c>: <c>simulator</c>, <c>serial:/dev/ttyUSB0[:BAUD]</c>, <c>replay:FILE.wav|csv</c> or
/// <c>i2c:BUS:ADDRESS[:adxl345|lis3dh]</c>.
/// </summary>
internal sealed record SensorSourceSpec(SensorSourceKind Kind, string? Path, int BaudRate)
{
    /// <summary>i2c: the Linux bus number (<c>/dev/i2c-N</c>).</summary>
    public int I2cBus { get; init; }

    /// <summary>i2c: the 7-bit device address.</summary>
    public int I2cAddress { get; init; }

    /// <summary>i2c: the accelerometer at that address.</summary>
    public I2cPart I2cPart { get; init; }

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

        if (text.StartsWith("i2c:", StringComparison.Ordinal))
        {
            return ParseI2c(text);
        }

        throw new CliUsageException($"--source {text}: expected 'simulator', 'serial:/dev/ttyUSB0[:BAUD]', 'replay:FILE.wav' (or .csv) or 'i2c:BUS:ADDRESS[:adxl345|lis3dh]'");
    }

    private static SensorSourceSpec ParseI2c(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length is < 3 or > 4)
        {
            throw new CliUsageException($"--source {text}: expected i2c:BUS:ADDRESS[:adxl345|lis3dh], e.g. i2c:1:0x53");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int bus))
        {
            throw new CliUsageException($"--source {text}: bus '{parts[1]}' is not a bus number (the N of /dev/i2c-N)");
        }

        string a = parts[2];
        bool hex = a.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!int.TryParse(hex ? a[2..] : a, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out int address)
            || address is < 0x03 or > 0x77)
        {
            throw new CliUsageException($"--source {text}: address '{a}' is not a 7-bit I2C address (0x03-0x77)");
        }

        I2cPart? part = parts.Length == 4
            ? parts[3] switch
            {
                "adxl345" => I2cPart.Adxl345,
                "lis3dh" => I2cPart.Lis3dh,
                _ => throw new CliUsageException($"--source {text}: unknown part '{parts[3]}'; expected adxl345 or lis3dh"),
            }
            : I2cAccelerometer.PartAt(address);
        if (part is null)
        {
            throw new CliUsageException($"--source {text}: no known accelerometer answers at 0x{address:X2} by default; name the part: {text}:adxl345 or {text}:lis3dh");
        }

        return new SensorSourceSpec(SensorSourceKind.I2c, null, 0) { I2cBus = bus, I2cAddress = address, I2cPart = part.Value };
    }

    public override string ToString() => Kind switch
    {
        SensorSourceKind.Simulator => "simulator",
        SensorSourceKind.Serial => $"serial:{Path}:{BaudRate}",
        SensorSourceKind.I2c => $"i2c:{I2cBus}:0x{I2cAddress:x2}:{I2cPart.ToString().ToLowerInvariant()}",
        _ => $"replay:{Path}",
    };
}
