namespace DeclarativeSft.Data;

/// <summary>Whitespace trimming as the Jinja <c>trim</c> filter of Hugging Face's chat-template runtime does it
/// (JavaScript <c>String.prototype.trim</c>), so that named templates reproduce the models' own renderings.</summary>
internal static class TextTrim
{
    public static bool IsJsWhitespace(char c) => char.IsWhiteSpace(c) || c == '\uFEFF';

    public static string Trim(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsJsWhitespace(s[start])) start++;
        while (end > start && IsJsWhitespace(s[end - 1])) end--;
        return s.Substring(start, end - start);
    }
}
