namespace EdgeToken.Compiler.Manifests;

/// <summary>Turns byte offsets in a UTF-8 file into 1-based line and character column, because
/// System.Text.Json reports byte offsets and editors (and MSBuild) count lines and characters.</summary>
public sealed class TextPositions
{
    private readonly byte[] _utf8;
    private readonly List<int> _lineStarts = [0];

    public TextPositions(byte[] utf8)
    {
        _utf8 = utf8;
        for (int i = 0; i < utf8.Length; i++)
            if (utf8[i] == (byte)'\n') _lineStarts.Add(i + 1);
    }

    public (int Line, int Column) At(long byteOffset)
    {
        int offset = (int)Math.Clamp(byteOffset, 0, _utf8.Length);
        int line = _lineStarts.BinarySearch(offset);
        if (line < 0) line = ~line - 1;
        return (line + 1, CharactersBetween(_lineStarts[line], offset) + 1);
    }

    /// <summary>Line and column from System.Text.Json's 0-based line number and byte position in that line.</summary>
    public (int Line, int Column) AtLine(long line0, long bytePositionInLine)
    {
        int line = (int)Math.Clamp(line0, 0, _lineStarts.Count - 1);
        int start = _lineStarts[line];
        return (line + 1, CharactersBetween(start, (int)Math.Min(_utf8.Length, start + bytePositionInLine)) + 1);
    }

    // Continuation bytes (10xxxxxx) do not start a character.
    private int CharactersBetween(int start, int end)
    {
        int n = 0;
        if (start < _utf8.Length && start == 0 && _utf8.Length >= 3 && _utf8[0] == 0xEF && _utf8[1] == 0xBB && _utf8[2] == 0xBF)
            start = Math.Min(3, end); // a byte-order mark is not a column
        for (int i = start; i < end; i++)
            if ((_utf8[i] & 0xC0) != 0x80) n++;
        return n;
    }
}
