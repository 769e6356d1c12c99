using System.Diagnostics;
using EdgeToken.Sensors.Replay;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Replay;

public sealed class CsvAndReplayTests
{
    [Fact]
    public void DerivesSampleRateFromTimeColumn()
    {
        string csv = "time,x,y,z\n0.000,0.1,0.2,1.0\n0.001,0.2,0.3,1.1\n0.002,-0.5,1e-3,0.9\n";
        using var reader = new CsvRecordingReader(new StringReader(csv));
        Assert.Equal(1000, reader.SampleRateHz);
        Assert.Equal(["x", "y", "z"], reader.ChannelNames);
        float[] values = new float[12];
        Assert.Equal(3, reader.Read(values));
        Assert.Equal([0.1f, 0.2f, 1.0f, 0.2f, 0.3f, 1.1f, -0.5f, 0.001f, 0.9f], values[..9]);
        Assert.Equal(0, reader.Read(values));
    }

    [Fact]
    public void HeaderlessNeedsRateAndReportsBadLines()
    {
        Assert.Throws<InvalidDataException>(() => new CsvRecordingReader(new StringReader("1,2\n3,4\n")));
        using var reader = new CsvRecordingReader(new StringReader("1,2\n3,oops\n"), 500, "rec.csv");
        float[] values = new float[4];
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => reader.Read(values));
        Assert.Contains("rec.csv:2:2", error.Message);
    }

    [Fact]
    public void ErrorsNameTheRightLineAfterRateDerivation()
    {
        using var reader = new CsvRecordingReader(new StringReader("t,x\n0,1\n0.5,x2\n1.0,3\n"), name: "rec.csv");
        Assert.Equal(2, reader.SampleRateHz);
        float[] values = new float[4];
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => reader.Read(values));
        Assert.Contains("rec.csv:3:2", error.Message);
    }

    [Fact]
    public void ReplayAsFastAsPossibleProducesTimestampedFrames()
    {
        string csv = "x,y\n" + string.Join("\n", Enumerable.Range(0, 250).Select(i => $"{i},{-i}"));
        var replay = new RecordingReplay(new CsvRecordingReader(new StringReader(csv), 100), 100, sensorId: 9);
        var ring = new FrameRing(8, 200, OverflowPolicy.Block);
        replay.Run(ring, ReplayPacing.AsFastAsPossible, originNanoseconds: 5);

        float[] buffer = new float[200];
        var headers = new List<FrameHeader>();
        while (ring.TryRead(out FrameHeader header, buffer))
        {
            headers.Add(header);
        }

        Assert.Equal(
        [
            new FrameHeader(9, 0, 0, 5, 100, 2),
            new FrameHeader(9, 1, 100, 1_000_000_005, 100, 2),
            new FrameHeader(9, 2, 200, 2_000_000_005, 50, 2),
        ], headers);
        Assert.Equal(200f, buffer[0]);
        Assert.Equal(-249f, buffer[99]);
    }

    [Fact]
    public void RealTimeReplayTakesTheRecordingsDuration()
    {
        var samples = new float[200];
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, new WavFormat(1000, 1, WavEncoding.Float32)))
        {
            writer.Write(samples);
        }

        stream.Position = 0;
        var replay = new RecordingReplay(new WavReader(stream), 20);
        var ring = new FrameRing(16, 20, OverflowPolicy.DropOldest);
        var watch = Stopwatch.StartNew();
        replay.Run(ring, ReplayPacing.RealTime);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(195), $"took {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(10, replay.Frames);
    }
}
