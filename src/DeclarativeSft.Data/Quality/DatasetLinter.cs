using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Quality;

/// <summary>The recipe settings the checks need besides the sources: what the reader, the mask and truncation do.</summary>
public sealed class LintSettings
{
    public LintSettings(DatasetFormat format, int maxSeqLen, TruncationMode truncation, string? defaultSystem, string maskName)
    {
        Format = format;
        MaxSeqLen = maxSeqLen;
        Truncation = truncation;
        DefaultSystem = defaultSystem;
        MaskName = maskName;
    }

    public DatasetFormat Format { get; }
    public int MaxSeqLen { get; }
    public TruncationMode Truncation { get; }
    public string? DefaultSystem { get; }
    /// <summary>mask.train_on as written, for messages.</summary>
    public string MaskName { get; }
}

/// <summary>
/// Runs the dataset checks over a recipe's sources with the recipe's own reader, template, tokenizer and loss
/// masker — the code that trains — so what it reports about lengths, trained tokens and truncation is what training
/// will do. Per-line checks point at the data line; dataset-level checks at the recipe's entry for the source.
/// Never throws on bad data: every problem is a finding.
/// </summary>
public static class DatasetLinter
{
    /// <summary>An answer given to at least this many different prompts is format collapse.</summary>
    public const int CollapseMinPrompts = 4;
    /// <summary>Answers shorter than this many words (a number, a name, "yes") are expected to recur and are no collapse.</summary>
    public const int CollapseMinWords = 3;
    /// <summary>Estimated Jaccard similarity from which two examples are near duplicates.</summary>
    public const double NearDuplicateSimilarity = 0.8;
    /// <summary>Earlier examples of one MinHash band bucket compared with each new one.</summary>
    public const int MaxBucketComparisons = 16;
    /// <summary>Responses cluster tightly when their 10th–90th percentile range is at most this share of the median.</summary>
    public const double TightSpread = 0.25;
    /// <summary>Fewest responses a source needs before its length spread is judged.</summary>
    public const int CalibrationMinResponses = 20;
    /// <summary>A source whose trained tokens are below this share of all its tokens is reported.</summary>
    public const double LowTrainedShare = 0.10;
    /// <summary>Lines reported per consistency kind and source (the rest are counted in the last finding).</summary>
    public const int ConsistencyLinesReported = 20;

    /// <summary>Markers of common chat templates and tokenizers: in message content they render as structure.</summary>
    public static readonly IReadOnlyList<string> KnownMarkers = new[]
    {
        "<|im_start|>", "<|im_end|>", "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
        "<|eot_id|>", "<|endoftext|>", "<s>", "</s>", "[INST]", "[/INST]", "<start_of_turn>", "<end_of_turn>", "<|user|>",
        "<|assistant|>", "<|system|>", "<|end|>",
    };

    /// <summary>Checks every source; <paramref name="masker"/> renders, tokenizes and labels as training does.
    /// Reads each line on its own (leniently: roles out of order are a finding whose severity the recipe sets).</summary>
    /// <param name="sources">The recipe's data.train sources, in order.</param>
    /// <param name="masker">The recipe's loss masker (its template and tokenizer).</param>
    /// <param name="tokenizer">The recipe's tokenizer (its BOS/EOS strings are looked for in content).</param>
    /// <param name="settings">Format, max_seq_len, truncation, default system prompt, mask name.</param>
    /// <param name="readText">The text of a data file by path, for callers that must not read the disk (null = not
    /// available). Null: files are read from disk, as strict UTF-8.</param>
    public static QualityReport Run(IReadOnlyList<SourceDeclaration> sources, LossMasker masker, ITokenizer tokenizer, LintSettings settings,
        Func<string, string?>? readText = null)
    {
        var readerFindings = new List<QualityFinding>();
        var linted = new List<SourceLintResult>();
        var markers = SourceLint.Markers(masker.Template, tokenizer);
        for (int s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var lint = new SourceLint(source, s, settings, markers);
            var lines = readText is null ? ReadLines(source.Path, settings.Format, readerFindings) : SplitLines(readText(source.Path));
            for (int i = 0; lines is not null && i < lines.Length; i++)
            {
                var text = lines[i];
                int lineNumber = i + 1;
                if (text.Trim().Length == 0) continue;
                Conversation conversation;
                try { conversation = DatasetReader.ParseLine(text, source.Path, lineNumber, settings.Format, checkOrder: false); }
                catch (DataFormatException e) { readerFindings.Add(new QualityFinding(null, e.File, e.Line, new object[0], e.Problem)); continue; }
                var order = ConversationRules.FindOrderProblem(conversation.Messages);
                if (order is not null)
                {
                    readerFindings.Add(new QualityFinding(QualityCheck.RoleOrder, source.Path, lineNumber, new object[] { Capitalize(order) }));
                    continue;
                }
                LabeledExample labeled;
                try { labeled = masker.Label(conversation.WithDefaultSystem(settings.DefaultSystem)); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    lint.Observe(conversation, null);
                    readerFindings.Add(new QualityFinding(null, source.Path, lineNumber, new object[0], e.Message));
                    continue;
                }
                lint.Observe(conversation, labeled);
            }
            linted.Add(lint.Finish());
        }
        var report = Conclude(sources, linted);
        return new QualityReport(readerFindings.Concat(report.Findings).ToList(), report.Sources);
    }

    /// <summary>The dataset as a whole from each source's one-pass lint: the sources' own findings, then exact and
    /// near duplicates and format collapse across all of them.</summary>
    /// <param name="sources">The declarations, in the order of <paramref name="linted"/> (fingerprints name them by index).</param>
    /// <param name="linted">Each source's <see cref="SourceLint.Finish"/>.</param>
    public static QualityReport Conclude(IReadOnlyList<SourceDeclaration> sources, IReadOnlyList<SourceLintResult> linted)
    {
        var findings = linted.SelectMany(l => l.Findings).ToList();
        findings.AddRange(CrossSourceFindings(sources, linted.SelectMany(l => l.Fingerprints).ToList()));
        return new QualityReport(findings, linted.Select(l => l.Statistics).ToList());
    }

    /// <summary>Exact and near duplicates and format collapse among <paramref name="examples"/> (in source, then line
    /// order: the earlier of two duplicates is the one named).</summary>
    public static List<QualityFinding> CrossSourceFindings(IReadOnlyList<SourceDeclaration> sources, IReadOnlyList<ExampleFingerprint> examples)
    {
        var findings = new List<QualityFinding>();
        CheckDuplicates(sources, examples, findings);
        CheckCollapse(sources, examples, findings);
        return findings;
    }

    // ---- reading ----

    /// <summary>The file's lines, or null after a finding when it is not UTF-8 text (the reader's own message).</summary>
    private static string[]? ReadLines(string path, DatasetFormat format, List<QualityFinding> findings)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            findings.Add(new QualityFinding(null, path, 1, new object[0], "cannot be read: " + e.Message));
            return null;
        }
        string text;
        try
        {
            if (Array.IndexOf(bytes, (byte)0) >= 0) throw new DecoderFallbackException("NUL");
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
#if NETSTANDARD2_0
            // The generator's build has no file reader (it gets text from AdditionalFiles); the position of the bad
            // bytes comes from the run-time reader below.
            findings.Add(new QualityFinding(null, path, 1, new object[0], "is not valid UTF-8"));
#else
            try { DatasetReader.ReadFile(path, format); }
            catch (DataFormatException e) { findings.Add(new QualityFinding(null, e.File, e.Line, new object[0], e.Problem)); }
#endif
            return null;
        }
        return SplitLines(text);
    }

    private static string[]? SplitLines(string? text)
    {
        if (text is null) return null; // a missing file is the build's own error (SFT0020)
        if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);
        return text.Split('\n').Select(l => l.EndsWith("\r", StringComparison.Ordinal) ? l.Substring(0, l.Length - 1) : l).ToArray();
    }

    // ---- dataset-level checks ----

    [MethodImpl(HotLoop.FullyOptimized)] // runs once per build over every example: no tier-0 pass
    private static void CheckDuplicates(IReadOnlyList<SourceDeclaration> sources, IReadOnlyList<ExampleFingerprint> examples, List<QualityFinding> findings)
    {
        string FileOf(ExampleFingerprint e) => Path.GetFileName(sources[e.SourceIndex].Path);
        var firstOf = new Dictionary<ulong, ExampleFingerprint>();
        var exact = new HashSet<int>();
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            if (firstOf.TryGetValue(e.Text, out var first))
            {
                exact.Add(i);
                findings.Add(new QualityFinding(QualityCheck.Duplicates, sources[e.SourceIndex].Path, e.Line, new object[]
                    { "is identical (after normalising case and whitespace) to", first.Line, FileOf(first), QualityCheck.Duplicates.Name }));
            }
            else firstOf[e.Text] = e;
        }
        // Near duplicates: candidates share a band of their MinHash signature; each example names its most similar
        // earlier one. Buckets are chains through one array (the newest member first), not a list per bucket.
        var newest = new Dictionary<ulong, int>();
        var older = new int[examples.Count * TextFingerprint.Bands];
        var best = new Dictionary<int, (int Other, double Similarity)>();
        var seen = new HashSet<int>();
        for (int i = 0; i < examples.Count; i++)
        {
            if (exact.Contains(i)) continue;
            seen.Clear();
            for (int band = 0; band < TextFingerprint.Bands; band++)
            {
                ulong key = TextFingerprint.BandKey(examples[i].Signature, band);
                int slot = i * TextFingerprint.Bands + band;
                older[slot] = newest.TryGetValue(key, out var head) ? head : -1;
                newest[key] = slot;
                // The newest members of a crowded bucket only: a bucket of thousands (a boilerplate system prompt
                // shared by every example) would make this quadratic.
                int compared = 0;
                for (int at = older[slot]; at >= 0 && compared < MaxBucketComparisons; at = older[at], compared++)
                {
                    int j = at / TextFingerprint.Bands;
                    if (!seen.Add(j) || examples[j].Text == examples[i].Text) continue;
                    double similarity = TextFingerprint.SimilarityAtLeast(examples[i].Signature, examples[j].Signature, NearDuplicateSimilarity);
                    if (similarity >= 0 && (!best.TryGetValue(i, out var b) || similarity > b.Similarity)) best[i] = (j, similarity);
                }
            }
        }
        foreach (var pair in best.OrderBy(p => p.Key))
        {
            var e = examples[pair.Key];
            var other = examples[pair.Value.Other];
            findings.Add(new QualityFinding(QualityCheck.NearDuplicates, sources[e.SourceIndex].Path, e.Line, new object[]
            {
                $"is a near duplicate (MinHash similarity {pair.Value.Similarity.ToString("0.00", CultureInfo.InvariantCulture)} of word {TextFingerprint.ShingleWords}-shingles) of",
                other.Line, FileOf(other), QualityCheck.NearDuplicates.Name,
            }));
        }
    }

    private static void CheckCollapse(IReadOnlyList<SourceDeclaration> sources, IReadOnlyList<ExampleFingerprint> examples, List<QualityFinding> findings)
    {
        foreach (var group in examples.Where(e => e.AnswerWords >= CollapseMinWords).GroupBy(e => e.Answer))
        {
            var byPrompt = group.GroupBy(e => e.Prompt).Select(g => g.First()).ToList();
            if (byPrompt.Count < CollapseMinPrompts) continue;
            var first = byPrompt[0];
            var others = byPrompt.Skip(1).Select(e => e.SourceIndex == first.SourceIndex ? e.Line.ToString(CultureInfo.InvariantCulture) : $"{Path.GetFileName(sources[e.SourceIndex].Path)}:{e.Line}").ToList();
            var list = string.Join(", ", others.Take(8)) + (others.Count > 8 ? ", …" : "");
            findings.Add(new QualityFinding(QualityCheck.FormatCollapse, sources[first.SourceIndex].Path, first.Line, new object[] { others.Count, list }));
        }
    }

    internal static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
