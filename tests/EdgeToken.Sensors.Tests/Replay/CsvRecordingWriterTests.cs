using EdgeToken.Sensors.Replay;

namespace EdgeToken.Sensors.Tests.Replay;

public sealed class CsvRecordingWriterTests
{
    [Theory]
    [InlineData(20480)]
    [InlineData(3000)] // 1/3000 s has no short decimal form: the reader must still recover the rate
    [InlineData(44100)]
    public void WhatTheWriterWritesTheReaderReadsBackExactly(double rate)
    {
        var random = new Random(5);
        float[] samples = [.. Enumerable.Range(0, 3 * 500).Select(_ => (float)((random.NextDouble() - 0.5) * 1e3 * Math.Pow(10, -random.Next(0, 8))))];
        var text = new StringWriter();
        using (var writer = new CsvRecordingWriter(text, rate, 3, ["x", "y", "z"]))
        {
            writer.Write(samples.AsSpan(0, 300));
            writer.Write(samples.AsSpan(300));
            Assert.Equal(500, writer.Instants);
        }

        string csv = text.ToString();
        Assert.StartsWith("time,x,y,z\n0,", csv);
        using var reader = new CsvRecordingReader(new StringReader(csv));
        Assert.Equal(rate, reader.SampleRateHz);
        Assert.Equal(["x", "y", "z"], reader.ChannelNames);
        float[] back = new float[samples.Length + 3];
        Assert.Equal(500, reader.Read(back));
        Assert.Equal(samples, back[..samples.Length]);
    }

    [Fact]
    public void RejectsPartialInstants()
    {
        using var writer = new CsvRecordingWriter(new StringWriter(), 100, 2);
        Assert.Throws<ArgumentException>(() => writer.Write([1f, 2f, 3f]));
    }

    [Fact]
    public void RecordingFileChoosesTheFormatByExtension()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgetoken-sensor-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (string name in new[] { "a.wav", "a.CSV" })
        {
            string path = Path.Combine(dir, name);
            using (IRecordingSink sink = RecordingFile.Create(path, 1000, 2))
            {
                sink.Write([0.25f, -0.5f, 1.5f, 2f]);
            }

            using IRecordingSource source = RecordingFile.Open(path);
            Assert.Equal(1000, source.SampleRateHz);
            float[] back = new float[6];
            Assert.Equal(2, source.Read(back));
            Assert.Equal([0.25f, -0.5f, 1.5f, 2f], back[..4]);
        }

        Assert.Throws<InvalidDataException>(() => RecordingFile.Create(Path.Combine(dir, "a.flac"), 1000, 1));
        Assert.Throws<InvalidDataException>(() => RecordingFile.Create(Path.Combine(dir, "b.wav"), 1000.5, 1));
    }
}
