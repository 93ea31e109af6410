namespace DeclarativeSft.Tokenizers.Models;

/// <summary>
/// GPT-2's reversible map from the 256 byte values to printable characters, in which byte-level vocabularies
/// are written (a space byte is "Ġ", a newline "Ċ"): printable Latin-1 bytes map to themselves, the others to
/// U+0100 onwards in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = Build();

    /// <summary>Inverse of <see cref="ByteToChar"/>; -1 for characters outside the alphabet.</summary>
    public static readonly short[] CharToByte = BuildInverse();

    private static char[] Build()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildInverse()
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (var b = 0; b < 256; b++) inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }
}
