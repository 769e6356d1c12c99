using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeToken.Sensors.Tests.Serial;

/// <summary>
/// A Linux pseudo-terminal pair opened with posix_openpt/grantpt/unlockpt/ptsname_r: the test
/// writes to the master as the "device", and a real <see cref="System.IO.Ports.SerialPort"/>
/// opens the slave path as it would a /dev/ttyUSB0. No external tool (socat) is needed.
/// </summary>
internal sealed unsafe class PseudoTerminal : IDisposable
{
    private const int O_RDWR = 2;
    private const int O_NOCTTY = 0x100; // Linux value (octal 0400)
    private const int O_NONBLOCK = 0x800; // Linux value (octal 04000)
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const short POLLOUT = 4;
    private int _master;

    public PseudoTerminal()
    {
        _master = posix_openpt(O_RDWR | O_NOCTTY);
        if (_master < 0 || grantpt(_master) != 0 || unlockpt(_master) != 0)
        {
            throw new InvalidOperationException($"Could not open a pseudo-terminal pair (errno {Marshal.GetLastPInvokeError()}).");
        }

        if (fcntl(_master, F_SETFL, fcntl(_master, F_GETFL, 0) | O_NONBLOCK) != 0)
        {
            throw new InvalidOperationException($"Could not make the pty master non-blocking (errno {Marshal.GetLastPInvokeError()}).");
        }

        byte* name = stackalloc byte[128];
        if (ptsname_r(_master, name, 128) != 0)
        {
            throw new InvalidOperationException($"ptsname_r failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        SlavePath = Encoding.ASCII.GetString(name, new ReadOnlySpan<byte>(name, 128).IndexOf((byte)0));
    }

    /// <summary>Path of the slave side, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    /// <summary>How long a write may find the slave's input buffer full before the test gives up on its reader.</summary>
    public static readonly TimeSpan StalledReaderTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes all of <paramref name="bytes"/> to the master, waiting while the slave's input buffer is full (about 13 KB
    /// that nobody reads). The master is non-blocking, so a reader that stopped reading (a port closed, a process that
    /// ended) fails the test after <see cref="StalledReaderTimeout"/> instead of blocking its thread forever.
    /// </summary>
    /// <param name="bytes">What the device sends.</param>
    /// <param name="stopWaiting">Asked while the buffer is full: true ends the write early (the reader is known to be gone).</param>
    /// <returns>False if <paramref name="stopWaiting"/> ended the write before every byte was written.</returns>
    public bool Write(ReadOnlySpan<byte> bytes, Func<bool>? stopWaiting = null)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            long stalledSince = 0;
            while (done < bytes.Length)
            {
                nint n = write(_master, p + done, bytes.Length - done);
                if (n >= 0)
                {
                    done += (int)n;
                    stalledSince = 0;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EAGAIN && errno != EINTR)
                {
                    throw new IOException($"write to pty master failed (errno {errno}).");
                }

                if (stopWaiting?.Invoke() == true)
                {
                    return false;
                }

                stalledSince = stalledSince == 0 ? Stopwatch.GetTimestamp() : stalledSince;
                if (Stopwatch.GetElapsedTime(stalledSince) > StalledReaderTimeout)
                {
                    throw new TimeoutException($"the pty's reader has not read for {StalledReaderTimeout.TotalSeconds:0} s ({done} of {bytes.Length} bytes written)");
                }

                var poll = new PollFd { Fd = _master, Events = POLLOUT };
                _ = Poll(&poll, 1, 50);
            }
        }

        return true;
    }

    /// <summary>Closes the master: to the slave this looks like the device was unplugged.</summary>
    public void Dispose()
    {
        if (_master >= 0)
        {
            close(_master);
            _master = -1;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, byte* buffer, nint length);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte* buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
