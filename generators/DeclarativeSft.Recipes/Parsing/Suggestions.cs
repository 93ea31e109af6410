using System;
using System.Collections.Generic;
using System.Linq;

namespace DeclarativeSft.Recipes;

/// <summary>"Did you mean" by edit distance.</summary>
public static class Suggestions
{
    /// <summary>The closest candidate to <paramref name="input"/> within a typo's distance, or null.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        var lowered = input.ToLowerInvariant().Replace('-', '_');
        foreach (var candidate in candidates)
        {
            int d = Distance(lowered, candidate.ToLowerInvariant().Replace('-', '_'));
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        int allowed = Math.Max(1, Math.Min(3, (input.Length + 2) / 4));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > 200 || b.Length > 200) return int.MaxValue;
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    /// <summary>" Did you mean 'x'?" (with a leading space) or empty.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates)
    {
        var match = Closest(input, candidates);
        return match is null ? "" : $" Did you mean '{match}'?";
    }

    /// <summary>Comma-separated list.</summary>
    public static string List(IEnumerable<string> items) => string.Join(", ", items.ToArray());
}
