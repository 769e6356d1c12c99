using EdgeToken.Sensors.Replay;

namespace EdgeToken.Sensors.Tests.Replay;

public sealed class WavTests
{
    [Fact]
    public void WritesCanonicalPcm16Header()
    {
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, new WavFormat(8000, 1, WavEncoding.Pcm16)))
        {
            writer.Write([0.5f, -1f]);
        }

        byte[] expected =
        [
            (byte)'R', (byte)'I', (byte)'F', (byte)'F', 40, 0, 0, 0, (byte)'W', (byte)'A', (byte)'V', (byte)'E',
            (byte)'f', (byte)'m', (byte)'t', (byte)' ', 16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0,
            (byte)'d', (byte)'a', (byte)'t', (byte)'a', 4, 0, 0, 0,
            0x00, 0x40, 0x00, 0x80,
        ];
        Assert.Equal(expected, stream.ToArray());
    }

    [Theory]
    [InlineData(WavEncoding.Pcm16, 1.0 / 32768)]
    [InlineData(WavEncoding.Pcm24, 1.0 / 8388608)]
    [InlineData(WavEncoding.Float32, 0)]
    public void RoundTripsMultiChannel(WavEncoding encoding, double quantum)
    {
        var random = new Random(5);
        float[] samples = Enumerable.Range(0, 3 * 3001).Select(_ => (float)(random.NextDouble() * 1.8 - 0.9)).ToArray();
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, new WavFormat(25600, 3, encoding)))
        {
            writer.Write(samples);
        }

        stream.Position = 0;
        using var reader = new WavReader(stream);
        Assert.Equal(25600, reader.SampleRateHz);
        Assert.Equal(3, reader.ChannelCount);
        Assert.Equal(encoding, reader.Format.Encoding);
        float[] back = new float[samples.Length + 30];
        int total = 0, n;
        while ((n = reader.Read(back.AsSpan(total * 3, Math.Min(700 * 3, back.Length - (total * 3))))) > 0)
        {
            total += n;
        }

        Assert.Equal(3001, total);
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i], back[i], quantum * 0.51 + 1e-9);
        }
    }

    [Fact]
    public void ReadsExtensibleHeaderAndSkipsUnknownChunks()
    {
        var bytes = new List<byte>();
        void Ascii(string s) => bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(s));
        void U16(int v) => bytes.AddRange(BitConverter.GetBytes((ushort)v));
        void U32(long v) => bytes.AddRange(BitConverter.GetBytes((uint)v));
        Ascii("RIFF"); U32(0); Ascii("WAVE");
        Ascii("LIST"); U32(3); bytes.AddRange(new byte[] { 1, 2, 3, 0 }); // odd size, padded
        Ascii("fmt "); U32(40);
        U16(0xFFFE); U16(2); U32(48000); U32(48000 * 6); U16(6); U16(24);
        U16(22); U16(24); U32(3);
        U16(1); U16(0); U32(0x00100000); U32(0xAA000080); U32(0x719B3800); // KSDATAFORMAT_SUBTYPE_PCM
        Ascii("data"); U32(6);
        bytes.AddRange(new byte[] { 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80 }); // +max, -full scale

        using var reader = new WavReader(new MemoryStream(bytes.ToArray()));
        Assert.Equal(WavEncoding.Pcm24, reader.Format.Encoding);
        float[] samples = new float[2];
        Assert.Equal(1, reader.Read(samples));
        Assert.Equal(8388607f / 8388608f, samples[0]);
        Assert.Equal(-1f, samples[1]);
    }

    [Fact]
    public void RejectsUnsupportedFormatWithReason()
    {
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, new WavFormat(8000, 1, WavEncoding.Pcm16)))
        {
        }

        byte[] bytes = stream.ToArray();
        bytes[34] = 8; // 8-bit PCM
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => new WavReader(new MemoryStream(bytes), name: "x.wav"));
        Assert.Contains("x.wav", error.Message);
        Assert.Contains("8 bits", error.Message);
    }
}
