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
    private int _master;

    public PseudoTerminal()
    {
        _master = posix_openpt(O_RDWR | O_NOCTTY);
        if (_master < 0 || grantpt(_master) != 0 || unlockpt(_master) != 0)
        {
            throw new InvalidOperationException($"Could not open a pseudo-terminal pair (errno {Marshal.GetLastPInvokeError()}).");
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

    /// <summary>Writes all of <paramref name="bytes"/> to the master (blocks while the slave's input buffer is full).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = write(_master, p + done, bytes.Length - done);
                if (n < 0)
                {
                    throw new IOException($"write to pty master failed (errno {Marshal.GetLastPInvokeError()}).");
                }

                done += (int)n;
            }
        }
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
}
