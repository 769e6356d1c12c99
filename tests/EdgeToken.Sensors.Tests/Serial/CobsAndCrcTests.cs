using EdgeToken.Sensors.Serial;

namespace EdgeToken.Sensors.Tests.Serial;

public sealed class CobsAndCrcTests
{
    public static TheoryData<byte[], byte[]> Vectors => new()
    {
        { [0x00], [0x01, 0x01] },
        { [0x00, 0x00], [0x01, 0x01, 0x01] },
        { [0x11, 0x22, 0x00, 0x33], [0x03, 0x11, 0x22, 0x02, 0x33] },
        { [0x11, 0x22, 0x33, 0x44], [0x05, 0x11, 0x22, 0x33, 0x44] },
        { [0x11, 0x00, 0x00, 0x00], [0x02, 0x11, 0x01, 0x01, 0x01] },
        { [], [0x01] },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void EncodesPublishedExamples(byte[] raw, byte[] encoded)
    {
        byte[] buffer = new byte[Cobs.MaxEncodedLength(raw.Length)];
        int n = Cobs.Encode(raw, buffer);
        Assert.Equal(encoded, buffer[..n]);
        byte[] decoded = new byte[raw.Length + 1];
        Assert.True(Cobs.TryDecode(encoded, decoded, out int m));
        Assert.Equal(raw, decoded[..m]);
    }

    [Fact]
    public void RoundTripsAllLengthsIncludingLongZeroFreeRuns()
    {
        var random = new Random(4);
        for (int length = 0; length <= 700; length += length < 20 ? 1 : 37)
        {
            foreach (bool zeroFree in new[] { false, true })
            {
                byte[] raw = new byte[length];
                random.NextBytes(raw);
                for (int i = 0; i < length; i++)
                {
                    if (zeroFree && raw[i] == 0)
                    {
                        raw[i] = 1;
                    }
                }

                byte[] encoded = new byte[Cobs.MaxEncodedLength(length)];
                int n = Cobs.Encode(raw, encoded);
                Assert.DoesNotContain((byte)0, encoded[..n]);
                byte[] decoded = new byte[length];
                Assert.True(Cobs.TryDecode(encoded.AsSpan(0, n), decoded, out int m));
                Assert.Equal(raw, decoded[..m]);
            }
        }
    }

    [Fact]
    public void RejectsCodePastEnd() => Assert.False(Cobs.TryDecode([0x05, 0x11, 0x22], new byte[8], out _));

    [Fact]
    public void CrcCheckValue() => Assert.Equal(0x29B1, Crc16CcittFalse.Compute("123456789"u8));
}
