using System.IO.Ports;

namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Reads a serial link (a <see cref="SerialPort"/>, or any <see cref="Stream"/> in tests) and feeds
/// a protocol decoder. When the link fails (USB adapter unplugged, cable cut) it closes it, counts
/// a reconnect, resets the decoder, and keeps trying to reopen it until cancelled.
/// </summary>
public sealed class SerialSensorSource
{
    private readonly Func<Stream> _open;
    private readonly ISerialDecoder _decoder;
    private readonly TimeSpan _reconnectDelay;
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Creates a source that opens its link with <paramref name="open"/>.</summary>
    /// <param name="open">Opens the link; called again after every failure.</param>
    /// <param name="decoder">Protocol decoder (<see cref="SensorFrameDecoder"/> or <see cref="CsvLineDecoder"/>).</param>
    /// <param name="reconnectDelay">Pause between reopen attempts (default 500 ms, slow enough not to spin on a missing device node).</param>
    public SerialSensorSource(Func<Stream> open, ISerialDecoder decoder, TimeSpan? reconnectDelay = null)
    {
        _open = open;
        _decoder = decoder;
        _reconnectDelay = reconnectDelay ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>The decoder's counters.</summary>
    public SerialLinkCounters Counters => _decoder.Counters;

    /// <summary>Message of the last link failure, for diagnostics.</summary>
    public string? LastError { get; private set; }

    /// <summary>
    /// An opener for a serial port in raw 8N1 mode with a short read timeout, so that
    /// <see cref="Run"/> notices cancellation promptly.
    /// </summary>
    public static Func<Stream> SerialPortOpener(string portName, int baudRate = 921_600) => () =>
    {
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = 100,
            ReadBufferSize = 64 * 1024,
        };
        port.Open();
        return port.BaseStream;
    };

    /// <summary>
    /// Reads until cancelled. With <paramref name="stopAtEndOfStream"/>, a stream that ends (a file,
    /// a closed pipe) ends the run; otherwise end of stream counts as a lost link and is reopened.
    /// </summary>
    public void Run(CancellationToken cancellationToken, bool stopAtEndOfStream = false)
    {
        bool firstOpen = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            Stream? stream = TryOpen();
            if (stream is null)
            {
                cancellationToken.WaitHandle.WaitOne(_reconnectDelay);
                continue;
            }

            if (!firstOpen)
            {
                Counters.Reconnects++;
                _decoder.Reset();
            }

            firstOpen = false;
            bool ended;
            try
            {
                ended = ReadUntilFailure(stream, cancellationToken);
            }
            finally
            {
                Close(stream);
            }

            if (ended && stopAtEndOfStream)
            {
                return;
            }

            cancellationToken.WaitHandle.WaitOne(_reconnectDelay);
        }
    }

    /// <summary>How long closing a port may take before the reader moves on without it.</summary>
    /// <remarks>System.IO.Ports on Linux can block in Close when the device has gone (a USB adapter pulled mid-read);
    /// the reader must still reconnect when it comes back, so the close runs aside and is abandoned after this.</remarks>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private void Close(Stream stream)
    {
        var closing = Task.Run(stream.Dispose);
        try
        {
            if (!closing.Wait(CloseTimeout))
            {
                LastError = $"closing the port did not finish within {CloseTimeout.TotalSeconds:0} s (device gone?); reconnecting without waiting for it";
            }
        }
        catch (AggregateException e) when (e.InnerException is IOException or ObjectDisposedException or InvalidOperationException)
        {
            LastError = e.InnerException.Message;
        }
    }

    private Stream? TryOpen()
    {
        try
        {
            return _open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            LastError = e.Message;
            return null;
        }
    }

    /// <returns>True at a clean end of stream, false when the link failed.</returns>
    private bool ReadUntilFailure(Stream stream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int read;
            try
            {
                read = stream.Read(_buffer);
            }
            catch (TimeoutException)
            {
                continue;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                LastError = e.Message;
                return false;
            }

            if (read == 0)
            {
                return true;
            }

            _decoder.Feed(_buffer.AsSpan(0, read));
        }

        return false;
    }
}
