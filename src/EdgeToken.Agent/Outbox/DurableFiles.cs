using System.Runtime.InteropServices;

namespace EdgeToken.Agent.Outbox;

/// <summary>fsync for what .NET does not expose: a directory, so that creating, renaming or deleting a
/// file in it survives a power cut (POSIX makes the directory entry durable only through the directory).</summary>
internal static partial class DurableFiles
{
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: some filesystems refuse opening directories; the file data itself is synced
        try { _ = Fsync(fd); }
        finally { _ = Close(fd); }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/> atomically: a crash leaves either the old or the new file.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
