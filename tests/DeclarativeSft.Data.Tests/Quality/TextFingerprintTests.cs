using DeclarativeSft.Data.Quality;

namespace DeclarativeSft.Data.Tests.Quality;

/// <summary>MinHash similarity against the exact Jaccard similarity of the same word 5-shingle sets.</summary>
public class TextFingerprintTests
{
    private static HashSet<string> Shingles(string normalized)
    {
        var words = normalized.Split(' ');
        if (words.Length <= TextFingerprint.ShingleWords) return [normalized];
        return Enumerable.Range(0, words.Length - TextFingerprint.ShingleWords + 1)
            .Select(i => string.Join(' ', words.Skip(i).Take(TextFingerprint.ShingleWords))).ToHashSet();
    }

    [Fact]
    public void Estimated_similarity_tracks_the_exact_jaccard_similarity()
    {
        var random = new Random(3);
        string[] vocabulary = Enumerable.Range(0, 300).Select(i => "w" + i).ToArray();
        int checkedPairs = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            var a = Enumerable.Range(0, 80).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToList();
            var b = a.ToList();
            int edits = random.Next(0, 30);
            for (int e = 0; e < edits; e++) b[random.Next(b.Count)] = vocabulary[random.Next(vocabulary.Length)];
            string ta = string.Join(' ', a), tb = string.Join(' ', b);
            var sa = Shingles(ta);
            var sb = Shingles(tb);
            double exact = (double)sa.Intersect(sb).Count() / sa.Union(sb).Count();
            double estimate = TextFingerprint.Similarity(TextFingerprint.Signature(ta), TextFingerprint.Signature(tb));
            // 64 slots: the estimate's standard deviation is at most 0.0625; allow four of them.
            Assert.InRange(estimate, exact - 0.25, exact + 0.25);
            checkedPairs++;
        }
        Assert.Equal(60, checkedPairs);
        Assert.Equal(1.0, TextFingerprint.Similarity(TextFingerprint.Signature("same text here"), TextFingerprint.Signature("same text here")));
    }

    [Fact]
    public void Normalising_ignores_case_and_whitespace_only()
    {
        Assert.Equal("hello world", TextFingerprint.Normalize("  Hello \t\n World  "));
        Assert.NotEqual(TextFingerprint.Normalize("hello, world"), TextFingerprint.Normalize("hello world"));
    }
}
