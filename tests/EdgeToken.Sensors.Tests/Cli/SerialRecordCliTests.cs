using System.Globalization;
using System.Text.Json;
using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tests.Serial;

namespace EdgeToken.Sensors.Tests.Cli;

/// <summary><c>edgetoken record --source serial:…</c> against a device writing to a real pseudo-terminal.</summary>
public sealed class SerialRecordCliTests
{
    private const int Rate = 3200;
    private const int InstantsPerFrame = 32;

    [Fact]
    public async Task RecordsFramesFromAPtyToCsvSkippingCorruptedFrames()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // posix_openpt is Linux-specific
        }

        using var pty = new PseudoTerminal();
        // Put the slave in raw mode before the device starts talking, as a port left configured by a
        // previous run would be; the CLI opens it again itself.
        SerialSensorSource.SerialPortOpener(pty.SlavePath, 115200)().Dispose();
        string csv = Path.Combine(CliProcess.TempDir(), "serial.csv");
        var cli = Task.Run(() => CliProcess.Run("record", "--source", $"serial:{pty.SlavePath}:115200", "--rate", "3200", "--duration", "1",
            "--scale", "0.00390625", "--out", csv, "--timeout", "30", "--json"));

        // The device: frames of 32 instants paced at 3200 Hz, every 7th frame corrupted, frame 40 never sent,
        // garbage between some frames. Instant k carries x = k mod 1000 counts, y = -x, z = 256 counts (1 g).
        int sent = 0, corrupted = 0;
        var random = new Random(3);
        for (ushort seq = 0; !cli.IsCompleted && seq < 2000; seq++)
        {
            short[] samples = new short[InstantsPerFrame * 3];
            for (int i = 0; i < InstantsPerFrame; i++)
            {
                int k = (seq * InstantsPerFrame) + i;
                samples[3 * i] = (short)(k % 1000);
                samples[(3 * i) + 1] = (short)-(k % 1000);
                samples[(3 * i) + 2] = 256;
            }

            byte[] wire = SensorFrameDecoderTests.Frame(4, seq, samples);
            if (seq == 40)
            {
                continue;
            }

            if (seq % 7 == 3)
            {
                wire[random.Next(1, wire.Length - 1)] ^= 0x5A; // a flipped byte: COBS or the CRC must catch it
                corrupted++;
            }

            // Once the CLI has its recording it stops reading: a device blocked on a full buffer then stops too.
            if (!pty.Write(wire, () => cli.IsCompleted) || (seq % 11 == 0 && !pty.Write([0x13, 0x37, 0xC0, 0xFF, 0xEE, 0x00], () => cli.IsCompleted)))
            {
                break;
            }

            sent++;
            Thread.Sleep(1000 * InstantsPerFrame / Rate);
        }

        var (code, stdout, stderr) = await cli;
        Assert.True(code == 0, $"exit {code}: {stderr}");
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.Equal(Rate, report.GetProperty("instants").GetInt64());
        JsonElement link = report.GetProperty("link");
        Assert.True(link.GetProperty("framesDecoded").GetInt64() >= Rate / InstantsPerFrame);
        long rejected = link.GetProperty("cobsErrors").GetInt64() + link.GetProperty("crcErrors").GetInt64() + link.GetProperty("truncatedFrames").GetInt64();
        // Frames written before the CLI opened the port may be flushed unseen, so only part of the damage is certain to be counted.
        Assert.True(rejected >= 5, $"only {rejected} frames rejected; {corrupted} of {sent} frames were corrupted, and garbage sent between them");
        Assert.True(link.GetProperty("missedFrames").GetInt64() >= 5, "corrupted frames count as missed when the next good frame arrives");

        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("time,ch0,ch1,ch2", lines[0]);
        Assert.Equal(Rate + 1, lines.Length);
        int breaks = 0;
        float previous = float.NaN;
        for (int row = 1; row < lines.Length; row++)
        {
            string[] cells = lines[row].Split(',');
            Assert.Equal((row - 1) / (double)Rate, double.Parse(cells[0], CultureInfo.InvariantCulture), 12);
            float[] v = [0, .. cells[1..].Select(c => float.Parse(c, CultureInfo.InvariantCulture))];
            Assert.Equal(-v[1], v[2]);
            Assert.Equal(1f, v[3]);
            float x = v[1] * 256;
            Assert.Equal(MathF.Round(x), x);
            if (row > 1 && x != (previous + 1) % 1000) breaks++;
            previous = x;
        }

        // Samples inside a frame are never torn: the recording only jumps where whole frames went missing.
        Assert.InRange(breaks, 1, link.GetProperty("sequenceGaps").GetInt64());
    }

    [Fact]
    public async Task RecordsCsvTextLinesFromAPtyCountingMalformedOnes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var pty = new PseudoTerminal();
        SerialSensorSource.SerialPortOpener(pty.SlavePath, 115200)().Dispose();
        string csv = Path.Combine(CliProcess.TempDir(), "lines.csv");
        var cli = Task.Run(() => CliProcess.Run("record", "--source", $"serial:{pty.SlavePath}", "--protocol", "csv", "--channels", "3",
            "--rate", "1000", "--duration", "0.5", "--out", csv, "--timeout", "30", "--json"));

        // The device prints "x,y,z" lines, 20 per 20 ms burst; every 50th line is garbled.
        int malformed = 0;
        for (int k = 0; !cli.IsCompleted && k < 20_000; k++)
        {
            string line = k % 50 == 25 ? "1.5,oops,2\n" : string.Create(CultureInfo.InvariantCulture, $"{k * 0.25},{-k * 0.25},9.81\n");
            malformed += k % 50 == 25 ? 1 : 0;
            if (!pty.Write(System.Text.Encoding.ASCII.GetBytes(line), () => cli.IsCompleted))
            {
                break;
            }
            if (k % 20 == 19)
            {
                Thread.Sleep(20);
            }
        }

        var (code, stdout, stderr) = await cli;
        Assert.True(code == 0, $"exit {code}: {stderr}");
        JsonElement report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(500, report.GetProperty("instants").GetInt64());
        Assert.Equal(3, report.GetProperty("channels").GetInt32());
        Assert.True(report.GetProperty("link").GetProperty("malformedLines").GetInt64() >= 5, $"{malformed} garbled lines were sent");

        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(501, lines.Length);
        foreach (string row in lines.Skip(1))
        {
            float[] v = [.. row.Split(',').Skip(1).Select(c => float.Parse(c, CultureInfo.InvariantCulture))];
            Assert.Equal(-v[0], v[1]);
            Assert.Equal(9.81f, v[2]);
        }
    }
}
