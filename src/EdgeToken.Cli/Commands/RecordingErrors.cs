namespace EdgeToken.Cli.Commands;

/// <summary>A recording that cannot be read or written (bad header, malformed line, unknown extension) is a user error.</summary>
internal static class RecordingErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or UnauthorizedAccessException
                                       || (e is IOException && e is not FileNotFoundException and not DirectoryNotFoundException))
        {
            throw new CliUsageException(e.Message);
        }
    }
}
