using EdgeToken.Sensors.Serial;
using EdgeToken.Sensors.Tokens;

namespace EdgeToken.Sensors.Tests.Serial;

/// <summary>A port whose close never returns (System.IO.Ports on Linux when the adapter was pulled) must not stop the
/// reader from reconnecting. The stuck close cannot be provoked on a pseudo-terminal at will, so the first "port"
/// here is a stream that fails its read and then blocks in Dispose.</summary>
public sealed class StuckCloseTests
{
    [Fact]
    public void TheReaderReconnectsWhileTheOldPortIsStillClosing()
    {
        using var release = new ManualResetEventSlim();
        int opens = 0;
        Stream Open() => Interlocked.Increment(ref opens) == 1
            ? new UnpluggedPort(release)
            : new MemoryStream(SensorFrameDecoderTests.Frame(1, 0, 1, 2, 3));
        var ring = new FrameRing(16, 96, OverflowPolicy.DropOldest);
        var decoder = new SensorFrameDecoder(ring, 3200);
        var source = new SerialSensorSource(Open, decoder, TimeSpan.FromMilliseconds(10));
        using var cts = new CancellationTokenSource();
        var reader = new Thread(() => source.Run(cts.Token, stopAtEndOfStream: true)) { IsBackground = true };
        reader.Start();

        Assert.True(reader.Join(SerialSensorSource.CloseTimeout + TimeSpan.FromSeconds(20)), "the reader waited for the stuck close");
        release.Set();
        Assert.Equal(2, opens);
        Assert.Equal(1, decoder.Counters.FramesDecoded);
        Assert.Equal(1, source.Counters.Reconnects);
    }

    private sealed class UnpluggedPort(ManualResetEventSlim release) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("Input/output error (the adapter is gone)");
        public override int Read(Span<byte> buffer) => throw new IOException("Input/output error (the adapter is gone)");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            release.Wait(); // the stuck close
            base.Dispose(disposing);
        }
    }
}
