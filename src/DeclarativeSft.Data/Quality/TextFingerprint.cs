using System.Collections.Generic;
using System.Text;

namespace DeclarativeSft.Data.Quality;

/// <summary>
/// Normalised text and MinHash signatures for duplicate detection. Normalising lower-cases, maps every run of
/// whitespace to one space and trims, so "Hello  World" and "hello world\n" are the same text. Near duplicates are
/// found with MinHash over word 5-shingles (Broder 1997): the share of equal signature slots estimates the Jaccard
/// similarity of the shingle sets; banding (locality-sensitive hashing) proposes candidate pairs without comparing
/// every pair. Hashes are FNV-1a and SplitMix64, fixed by this code, so findings are the same on every machine.
/// </summary>
public static class TextFingerprint
{
    /// <summary>Slots of a signature: <see cref="Bands"/> bands of <see cref="RowsPerBand"/>.</summary>
    public const int Slots = 64;
    public const int Bands = 16;
    public const int RowsPerBand = 4;
    /// <summary>Words per shingle.</summary>
    public const int ShingleWords = 5;

    /// <summary>Lower-cased, whitespace runs collapsed to one space, trimmed.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (char ch in text)
        {
            if (char.IsWhiteSpace(ch)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.ToString();
    }

    /// <summary>The MinHash signature of the word 5-shingles of <paramref name="normalized"/> (a text with fewer words is one shingle).</summary>
    public static ulong[] Signature(string normalized)
    {
        var words = normalized.Split(' ');
        var shingles = new List<ulong>();
        if (words.Length <= ShingleWords) shingles.Add(Fnv1a(normalized));
        else
            for (int i = 0; i + ShingleWords <= words.Length; i++)
                shingles.Add(Fnv1a(string.Join(" ", words, i, ShingleWords)));
        var signature = new ulong[Slots];
        for (int k = 0; k < Slots; k++)
        {
            ulong min = ulong.MaxValue, seed = Mix(0x9E3779B97F4A7C15UL * (ulong)(k + 1));
            foreach (var s in shingles)
            {
                ulong h = Mix(s ^ seed);
                if (h < min) min = h;
            }
            signature[k] = min;
        }
        return signature;
    }

    /// <summary>Estimated Jaccard similarity: the share of equal slots.</summary>
    public static double Similarity(ulong[] a, ulong[] b)
    {
        int same = 0;
        for (int k = 0; k < Slots; k++) if (a[k] == b[k]) same++;
        return (double)same / Slots;
    }

    /// <summary>The key of band <paramref name="band"/> of a signature (pairs sharing any band key are candidates).</summary>
    public static ulong BandKey(ulong[] signature, int band)
    {
        ulong h = 0xCBF29CE484222325UL ^ (ulong)band;
        for (int r = 0; r < RowsPerBand; r++) h = Mix(h ^ signature[band * RowsPerBand + r]);
        return h;
    }

    /// <summary>A 64-bit hash of a (normalised) text, fixed by this code (FNV-1a over UTF-16 units, then mixed).</summary>
    public static ulong Hash(string text) => Mix(Fnv1a(text));

    private static ulong Fnv1a(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char ch in s)
        {
            h ^= ch;
            h *= 0x100000001B3UL;
        }
        return h;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
