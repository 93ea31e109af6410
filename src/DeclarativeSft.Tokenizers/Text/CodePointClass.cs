using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace DeclarativeSft.Tokenizers.Text;

/// <summary>
/// The few Unicode properties that pre-tokenizer patterns ask about (<c>\p{L}</c>, <c>\p{N}</c>, <c>\s</c>),
/// answered per code point — Hugging Face patterns run on code points, while .NET strings are UTF-16, so an
/// astral letter such as U+1D400 must be read as one letter and not as two surrogates.
/// </summary>
internal static class CodePointClass
{
    public const byte Letter = 1;
    public const byte Number = 2;
    public const byte WhiteSpace = 4;
    public const byte LineBreak = 8; // \r or \n, the characters the GPT-4 style pattern treats specially

    // One byte per BMP code point, computed once: pattern matching asks about every character of the input.
    private static readonly byte[] Bmp = BuildBmpTable();

    private static byte[] BuildBmpTable()
    {
        var table = new byte[65536];
        for (var c = 0; c < 65536; c++)
        {
            if (c >= 0xD800 && c <= 0xDFFF) continue; // surrogates: category Cs, "other"
            table[c] = Classify(c);
        }
        return table;
    }

    private static byte Classify(int cp)
    {
        byte result = 0;
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
                result |= Letter;
                break;
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
                result |= Number;
                break;
        }
        if (IsWhiteSpaceProperty(cp)) result |= WhiteSpace;
        if (cp == '\r' || cp == '\n') result |= LineBreak;
        return result;
    }

    /// <summary>The Unicode White_Space property (what Oniguruma's and Rust's <c>\s</c> mean; JS <c>\s</c> differs
    /// on U+FEFF and U+0085).</summary>
    public static bool IsWhiteSpaceProperty(int cp) =>
        cp is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    /// <summary>Class bits of the code point starting at <paramref name="i"/> and its width in UTF-16 units.
    /// A lone surrogate is one "other" code point, as in JavaScript's <c>u</c> mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte At(ReadOnlySpan<char> s, int i, out int width)
    {
        var c = s[i];
        if (!char.IsHighSurrogate(c) || i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
        {
            width = 1;
            return Bmp[c];
        }
        width = 2;
        return Classify(char.ConvertToUtf32(c, s[i + 1]));
    }

    /// <summary>Width in UTF-16 units of the code point at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WidthAt(ReadOnlySpan<char> s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary>Number of UTF-8 bytes the code point at <paramref name="i"/> encodes to (a lone surrogate
    /// becomes U+FFFD, three bytes, as TextEncoder and Encoding.UTF8 both do).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Utf8Length(ReadOnlySpan<char> s, int i, out int width)
    {
        var c = s[i];
        width = 1;
        if (c < 0x80) return 1;
        if (c < 0x800) return 2;
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return 4;
        }
        return 3;
    }

    /// <summary>Encodes the code point at <paramref name="i"/> as UTF-8 into <paramref name="destination"/>.</summary>
    public static int EncodeUtf8(ReadOnlySpan<char> s, int i, Span<byte> destination, out int width)
    {
        width = WidthAt(s, i);
#if NET
        var rune = width == 2 ? new Rune(s[i], s[i + 1]) : Rune.IsValid(s[i]) ? new Rune(s[i]) : Rune.ReplacementChar;
        return rune.EncodeToUtf8(destination);
#else
        // netstandard2.0 (the generator) has no Rune: the same encoding by hand, a lone surrogate as U+FFFD.
        int cp = width == 2 ? char.ConvertToUtf32(s[i], s[i + 1]) : char.IsSurrogate(s[i]) ? 0xFFFD : s[i];
        if (cp < 0x80) { destination[0] = (byte)cp; return 1; }
        if (cp < 0x800) { destination[0] = (byte)(0xC0 | cp >> 6); destination[1] = (byte)(0x80 | cp & 0x3F); return 2; }
        if (cp < 0x10000)
        {
            destination[0] = (byte)(0xE0 | cp >> 12); destination[1] = (byte)(0x80 | cp >> 6 & 0x3F); destination[2] = (byte)(0x80 | cp & 0x3F);
            return 3;
        }
        destination[0] = (byte)(0xF0 | cp >> 18); destination[1] = (byte)(0x80 | cp >> 12 & 0x3F);
        destination[2] = (byte)(0x80 | cp >> 6 & 0x3F); destination[3] = (byte)(0x80 | cp & 0x3F);
        return 4;
#endif
    }
}
