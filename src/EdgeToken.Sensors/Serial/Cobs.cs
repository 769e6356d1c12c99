namespace EdgeToken.Sensors.Serial;

/// <summary>
/// Consistent Overhead Byte Stuffing (Cheshire &amp; Baker, 1999): re-encodes a packet so it contains
/// no 0x00 byte, letting 0x00 delimit frames on a byte stream. Overhead is at most one byte per
/// 254 plus one, and a receiver that joins mid-stream resynchronises at the next 0x00.
/// </summary>
public static class Cobs
{
    /// <summary>Largest encoding of <paramref name="length"/> bytes (without the delimiter).</summary>
    public static int MaxEncodedLength(int length) => length + (length / 254) + 1;

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/>; returns the encoded length (no delimiter written).</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int codeIndex = 0;
        int write = 1;
        byte code = 1;
        foreach (byte b in source)
        {
            if (b == 0)
            {
                destination[codeIndex] = code;
                codeIndex = write++;
                code = 1;
                continue;
            }

            destination[write++] = b;
            if (++code == 0xFF)
            {
                // A full block of 254 non-zero bytes: close it without an implied zero.
                destination[codeIndex] = code;
                codeIndex = write++;
                code = 1;
            }
        }

        destination[codeIndex] = code;
        return write;
    }

    /// <summary>Decodes one COBS block (without its delimiter). Returns false if it is malformed (a zero byte, or a code pointing past the end).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        int read = 0;
        while (read < source.Length)
        {
            byte code = source[read++];
            if (code == 0 || read + code - 1 > source.Length)
            {
                return false;
            }

            for (int i = 1; i < code; i++)
            {
                byte b = source[read++];
                if (b == 0 || written >= destination.Length)
                {
                    return false;
                }

                destination[written++] = b;
            }

            if (code != 0xFF && read < source.Length)
            {
                if (written >= destination.Length)
                {
                    return false;
                }

                destination[written++] = 0;
            }
        }

        return true;
    }
}
