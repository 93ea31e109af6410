using System.Runtime.CompilerServices;
using System;
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
    [MethodImpl(HotLoop.FullyOptimized)] // runs once per build over every example: no tier-0 pass
    public static string Normalize(string text)
    {
        var buffer = new char[text.Length];
        int n = 0;
        bool space = false;
        foreach (char ch in text)
        {
            bool white = ch < 128 ? ch == ' ' || (ch >= '\t' && ch <= '\r') : char.IsWhiteSpace(ch);
            if (white) { space = n > 0; continue; }
            if (space) { buffer[n++] = ' '; space = false; }
            buffer[n++] = ch < 128 ? (ch >= 'A' && ch <= 'Z' ? (char)(ch | 0x20) : ch) : char.ToLowerInvariant(ch);
        }
        return new string(buffer, 0, n);
    }

    /// <summary>The MinHash signature of the word 5-shingles of <paramref name="normalized"/> (a text with fewer words is one shingle).</summary>
    [MethodImpl(HotLoop.FullyOptimized)] // runs once per build over every example: no tier-0 pass
    public static ulong[] Signature(string normalized)
    {
        // Word boundaries of the normalised text (single spaces): a shingle is the span from a word's start to the
        // end of the fifth word, hashed in place rather than joined into a new string.
        var starts = new List<int> { 0 };
        for (int i = 0; i < normalized.Length; i++) if (normalized[i] == ' ') starts.Add(i + 1);
        int words = starts.Count;
        var shingles = new List<ulong>(Math.Max(1, words - ShingleWords + 1));
        if (words <= ShingleWords) shingles.Add(Fnv1a(normalized, 0, normalized.Length));
        else
            for (int i = 0; i + ShingleWords <= words; i++)
            {
                int end = i + ShingleWords < words ? starts[i + ShingleWords] - 1 : normalized.Length;
                shingles.Add(Fnv1a(normalized, starts[i], end));
            }
        // Slot k hashes a shingle as h1 + k·h2 (two independent hashes, Kirsch–Mitzenmacher): one multiply-add per
        // slot instead of a full mix, and the slots stay as good as independent for the Jaccard estimate.
        var signature = new ulong[Slots];
        for (int k = 0; k < Slots; k++) signature[k] = ulong.MaxValue;
        foreach (var s in shingles)
        {
            ulong h1 = Mix(s), h2 = Mix(s ^ 0x9E3779B97F4A7C15UL) | 1;
            ulong h = h1;
            for (int k = 0; k < Slots; k++)
            {
                if (h < signature[k]) signature[k] = h;
                h += h2;
            }
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

    /// <summary>The estimated similarity when it is at least <paramref name="threshold"/>, else -1; stops comparing
    /// as soon as too many slots differ (most candidate pairs of a large dataset are far apart).</summary>
    [MethodImpl(HotLoop.FullyOptimized)] // runs once per build over every example: no tier-0 pass
    public static double SimilarityAtLeast(ulong[] a, ulong[] b, double threshold)
    {
        int allowed = Slots - (int)Math.Ceiling(threshold * Slots), differ = 0;
        for (int k = 0; k < Slots; k++)
            if (a[k] != b[k] && ++differ > allowed) return -1;
        return (double)(Slots - differ) / Slots;
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

    private static ulong Fnv1a(string s) => Fnv1a(s, 0, s.Length);

    [MethodImpl(HotLoop.FullyOptimized)] // runs once per build over every example: no tier-0 pass
    private static ulong Fnv1a(string s, int start, int end)
    {
        ulong h = 0xCBF29CE484222325UL;
        for (int i = start; i < end; i++)
        {
            h ^= s[i];
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
