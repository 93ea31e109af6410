#if !NET
namespace System.Text;

/// <summary>ASCII checks (.NET 8's System.Text.Ascii).</summary>
internal static class Ascii
{
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
            if (c >= 0x80) return false;
        return true;
    }
}
#endif
