using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
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
    /// <summary>Estimated Jaccard similarity from which two examples are near duplicates.</summary>
    public const double NearDuplicateSimilarity = 0.8;
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

    private sealed class Example
    {
        public Example(SourceDeclaration source, int sourceIndex, int line, Conversation conversation)
        {
            Source = source;
            SourceIndex = sourceIndex;
            Line = line;
            Conversation = conversation;
        }

        public SourceDeclaration Source { get; }
        public int SourceIndex { get; }
        public int Line { get; }
        public Conversation Conversation { get; }
        public string Text = "";
        public string Prompt = "";
        public string Answer = "";
        public ulong[] Signature = Array.Empty<ulong>();
    }

    /// <summary>Checks every source; <paramref name="masker"/> renders, tokenizes and labels as training does.</summary>
    /// <param name="sources">The recipe's data.train sources, in order.</param>
    /// <param name="masker">The recipe's loss masker (its template and tokenizer).</param>
    /// <param name="tokenizer">The recipe's tokenizer (its BOS/EOS strings are looked for in content).</param>
    /// <param name="settings">Format, max_seq_len, truncation, default system prompt, mask name.</param>
    /// <param name="readText">The text of a data file by path, for callers that must not read the disk (a source
    /// generator passes its AdditionalFiles; null = not available). Null: files are read from disk, as strict UTF-8.</param>
    public static QualityReport Run(IReadOnlyList<SourceDeclaration> sources, LossMasker masker, ITokenizer tokenizer, LintSettings settings,
        Func<string, string?>? readText = null)
    {
        var findings = new List<QualityFinding>();
        var stats = new List<SourceStatistics>();
        var examples = new List<Example>();
        var markers = Markers(masker.Template, tokenizer);
        for (int s = 0; s < sources.Count; s++)
        {
            var source = sources[s];
            var stat = new SourceStatistics(source.Tag, source.Path);
            stats.Add(stat);
            var lines = readText is null ? ReadLines(source.Path, settings.Format, findings) : SplitLines(readText(source.Path));
            if (lines is null) continue;
            var layouts = new List<(int Line, string Layout, bool HasSystem)>();
            var responses = new List<int>();
            for (int i = 0; i < lines.Length; i++)
            {
                var text = lines[i];
                int lineNumber = i + 1;
                if (text.Trim().Length == 0) continue;
                Conversation conversation;
                try { conversation = DatasetReader.ParseLine(text, source.Path, lineNumber, settings.Format, checkOrder: false); }
                catch (DataFormatException e) { findings.Add(new QualityFinding(null, e.File, e.Line, new object[0], e.Problem)); continue; }
                var order = ConversationRules.FindOrderProblem(conversation.Messages);
                if (order is not null)
                {
                    findings.Add(new QualityFinding(QualityCheck.RoleOrder, source.Path, lineNumber, new object[] { Capitalize(order) }));
                    continue;
                }
                layouts.Add((lineNumber, Layout(text), conversation.Messages[0].Role == ChatRoles.System));
                CheckMessages(conversation, source.Path, lineNumber, markers, findings);

                LabeledExample labeled;
                try { labeled = masker.Label(conversation.WithDefaultSystem(settings.DefaultSystem)); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    findings.Add(new QualityFinding(null, source.Path, lineNumber, new object[0], e.Message));
                    continue;
                }
                stat.Examples++;
                Count(labeled, stat, responses);
                CheckLength(labeled, settings, source.Path, lineNumber, findings);

                var example = new Example(source, s, lineNumber, conversation);
                var messages = conversation.Messages;
                example.Text = TextFingerprint.Normalize(string.Join("\n", messages.Select(m => m.Role + ": " + m.Content)));
                example.Prompt = TextFingerprint.Normalize(string.Join("\n", messages.Take(messages.Count - 1).Select(m => m.Role + ": " + m.Content)));
                example.Answer = TextFingerprint.Normalize(messages[messages.Count - 1].Content);
                example.Signature = TextFingerprint.Signature(example.Text);
                examples.Add(example);
            }
            CheckCalibration(source, responses, findings);
            CheckTrainedShare(source, stat, findings);
            CheckConsistency(source, layouts, findings);
        }
        CheckDuplicates(examples, findings);
        CheckCollapse(examples, findings);
        return new QualityReport(findings, stats);
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

    /// <summary>The line's top-level field names and the shape of its turns (roles in order are checked elsewhere).</summary>
    private static string Layout(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return string.Join(", ", document.RootElement.EnumerateObject().Select(p => p.Name));
        }
        catch (JsonException) { return ""; }
    }

    // ---- per-line checks ----

    private static Dictionary<string, string> Markers(ChatTemplate template, ITokenizer tokenizer)
    {
        var markers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in template.SpecialTokens) if (m.Length > 0) markers[m] = $"a marker of the {template.Name} template";
        if (tokenizer.BosTokenId is int bos && tokenizer.IdToToken(bos) is { Length: > 0 } b) markers[b] = "the tokenizer's BOS token";
        if (tokenizer.EosTokenId is int eos && tokenizer.IdToToken(eos) is { Length: > 0 } e) markers[e] = "the tokenizer's EOS token";
        foreach (var m in KnownMarkers)
            if (!markers.ContainsKey(m)) markers[m] = "a chat-template marker of another model family";
        return markers;
    }

    private static void CheckMessages(Conversation conversation, string file, int line, Dictionary<string, string> markers, List<QualityFinding> findings)
    {
        for (int m = 0; m < conversation.Messages.Count; m++)
        {
            var message = conversation.Messages[m];
            var content = message.Content;
            foreach (var marker in markers)
            {
                if (content.IndexOf(marker.Key, StringComparison.Ordinal) < 0) continue;
                var effect = marker.Value.Contains("BOS") ? "a second BOS in the sequence"
                    : marker.Value.Contains("EOS") ? "an end of sequence inside the example"
                    : "a turn that opens or closes inside the message";
                findings.Add(new QualityFinding(QualityCheck.TemplateMarkers, file, line, new object[] { m + 1, message.Role, marker.Key, marker.Value, effect }));
                break;
            }
            if (message.Role == ChatRoles.Assistant && content.Trim().Length == 0)
                findings.Add(new QualityFinding(QualityCheck.EmptyTurns, file, line, new object[]
                {
                    m + 1, message.Role, "is empty or whitespace only",
                    "An empty answer teaches the model to end its turn at once; write the answer or remove the example.",
                }));
            if (BadCharacter(content) is { } bad)
                findings.Add(new QualityFinding(QualityCheck.BadCharacters, file, line, new object[] { m + 1, message.Role, bad.What, bad.Fix }));
        }
    }

    private static (string What, string Fix)? BadCharacter(string content)
    {
        for (int i = 0; i < content.Length; i++)
        {
            char ch = content[i];
            if (ch == '\uFFFD')
                return ($"contains U+FFFD, the replacement character, at character {i + 1}",
                    "It stands for text lost in a wrong decoding; re-export the source as UTF-8 or remove the example.");
            bool control = (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7F || (ch >= 0x80 && ch <= 0x9F);
            if (control)
                return ($"contains the control character U+{(int)ch:X4} at character {i + 1}",
                    "Control characters are invisible in the text and tokenize to rare tokens; remove them (e.g. with tr -d).");
        }
        return null;
    }

    private static void Count(LabeledExample labeled, SourceStatistics stat, List<int> responses)
    {
        var perMessage = new Dictionary<int, int>();
        foreach (var span in labeled.TokenSpans)
            if (span.MessageIndex >= 0) perMessage[span.MessageIndex] = (perMessage.TryGetValue(span.MessageIndex, out var n) ? n : 0) + 1;
        var messages = labeled.Source.Messages;
        foreach (var pair in perMessage)
        {
            var role = messages[pair.Key].Role;
            if (!stat.MessageTokens.TryGetValue(role, out var list)) stat.MessageTokens[role] = list = new List<int>();
            list.Add(pair.Value);
            if (role == ChatRoles.Assistant) responses.Add(pair.Value);
        }
        int trained = labeled.TrainedTokenCount;
        stat.Tokens += labeled.Length;
        stat.TrainedTokens += trained;
        stat.TrainedShare.Add(labeled.Length == 0 ? 0 : (double)trained / labeled.Length);
    }

    private static void CheckLength(LabeledExample labeled, LintSettings settings, string file, int line, List<QualityFinding> findings)
    {
        int max = settings.MaxSeqLen;
        if (labeled.Length <= max) return;
        string what;
        switch (settings.Truncation)
        {
            case TruncationMode.Drop:
                what = "data.truncation: drop leaves it out of training";
                break;
            case TruncationMode.Truncate:
                var cut = labeled.Truncate(max);
                int lost = labeled.TrainedTokenCount - cut.TrainedTokenCount;
                what = cut.TrainedTokenCount == 0
                    ? $"data.truncation: truncate keeps its first {max} tokens and none of them is trained, so nothing of it is learned"
                    : $"data.truncation: truncate cuts it: {lost} of its {labeled.TrainedTokenCount} trained tokens" +
                      (labeled.EndOfTurnTrained && !cut.EndOfTurnTrained ? " and its end of turn are lost, so the model learns answers that do not stop" : " are lost");
                break;
            default:
                what = "data.truncation: error stops training at this line";
                break;
        }
        findings.Add(new QualityFinding(QualityCheck.Truncation, file, line, new object[] { labeled.Length, max, what }));
    }

    // ---- dataset-level checks ----

    private static void CheckDuplicates(List<Example> examples, List<QualityFinding> findings)
    {
        var firstOf = new Dictionary<string, Example>(StringComparer.Ordinal);
        var exact = new HashSet<Example>();
        foreach (var e in examples)
        {
            if (firstOf.TryGetValue(e.Text, out var first))
            {
                exact.Add(e);
                findings.Add(new QualityFinding(QualityCheck.Duplicates, e.Source.Path, e.Line, new object[]
                    { "is identical (after normalising case and whitespace) to", first.Line, Path.GetFileName(first.Source.Path), QualityCheck.Duplicates.Name }));
            }
            else firstOf[e.Text] = e;
        }
        // Near duplicates: candidates share a band of their MinHash signature; each example names its most similar earlier one.
        var buckets = new Dictionary<ulong, List<int>>();
        var best = new Dictionary<int, (int Other, double Similarity)>();
        for (int i = 0; i < examples.Count; i++)
        {
            if (exact.Contains(examples[i])) continue;
            var seen = new HashSet<int>();
            for (int band = 0; band < TextFingerprint.Bands; band++)
            {
                ulong key = TextFingerprint.BandKey(examples[i].Signature, band);
                if (!buckets.TryGetValue(key, out var members)) buckets[key] = members = new List<int>();
                foreach (int j in members)
                {
                    if (!seen.Add(j) || examples[j].Text == examples[i].Text) continue;
                    double similarity = TextFingerprint.Similarity(examples[i].Signature, examples[j].Signature);
                    if (similarity >= NearDuplicateSimilarity && (!best.TryGetValue(i, out var b) || similarity > b.Similarity)) best[i] = (j, similarity);
                }
                members.Add(i);
            }
        }
        foreach (var pair in best.OrderBy(p => p.Key))
        {
            var e = examples[pair.Key];
            var other = examples[pair.Value.Other];
            findings.Add(new QualityFinding(QualityCheck.NearDuplicates, e.Source.Path, e.Line, new object[]
            {
                $"is a near duplicate (MinHash similarity {pair.Value.Similarity.ToString("0.00", CultureInfo.InvariantCulture)} of word {TextFingerprint.ShingleWords}-shingles) of",
                other.Line, Path.GetFileName(other.Source.Path), QualityCheck.NearDuplicates.Name,
            }));
        }
    }

    private static void CheckCollapse(List<Example> examples, List<QualityFinding> findings)
    {
        foreach (var group in examples.Where(e => e.Answer.Length > 0).GroupBy(e => e.Answer, StringComparer.Ordinal))
        {
            var byPrompt = group.GroupBy(e => e.Prompt, StringComparer.Ordinal).Select(g => g.First()).ToList();
            if (byPrompt.Count < CollapseMinPrompts) continue;
            var first = byPrompt[0];
            var others = byPrompt.Skip(1).Select(e => e.SourceIndex == first.SourceIndex ? e.Line.ToString(CultureInfo.InvariantCulture) : $"{Path.GetFileName(e.Source.Path)}:{e.Line}").ToList();
            var list = string.Join(", ", others.Take(8)) + (others.Count > 8 ? ", …" : "");
            findings.Add(new QualityFinding(QualityCheck.FormatCollapse, first.Source.Path, first.Line, new object[] { others.Count, list }));
        }
    }

    private static void CheckCalibration(SourceDeclaration source, List<int> responses, List<QualityFinding> findings)
    {
        if (responses.Count < CalibrationMinResponses) return;
        var sorted = responses.OrderBy(x => x).ToArray();
        double p10 = Percentile(sorted, 0.10), p90 = Percentile(sorted, 0.90), median = Percentile(sorted, 0.5);
        if (median <= 0 || p90 - p10 > TightSpread * median) return;
        string F(double v) => v.ToString("0", CultureInfo.InvariantCulture);
        findings.Add(new QualityFinding(QualityCheck.LengthCalibration, source.RecipePath, source.RecipeLine, new object[]
        {
            source.Tag,
            $"assistant responses cluster tightly: 80 % of its {responses.Count} responses are {F(p10)}–{F(p90)} tokens (median {F(median)})",
            $"A model trained on it learns to stop near {F(median)} tokens whatever the task; add shorter and longer answers.",
        }));
    }

    private static void CheckTrainedShare(SourceDeclaration source, SourceStatistics stat, List<QualityFinding> findings)
    {
        if (stat.Tokens == 0) return;
        double share = (double)stat.TrainedTokens / stat.Tokens;
        if (share >= LowTrainedShare) return;
        findings.Add(new QualityFinding(QualityCheck.TrainedShare, source.RecipePath, source.RecipeLine, new object[]
        {
            source.Tag,
            $"only {share.ToString("P1", CultureInfo.InvariantCulture)} of its {stat.Tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens are trained",
            "Most of each step goes to tokens without loss (long prompts or system messages); check mask.train_on, or shorten the prompts.",
        }));
    }

    private static void CheckConsistency(SourceDeclaration source, List<(int Line, string Layout, bool HasSystem)> lines, List<QualityFinding> findings)
    {
        if (lines.Count < 10) return;
        void Minority<T>(Func<(int Line, string Layout, bool HasSystem), T> key, Func<T, string> describe, string fix)
        {
            var groups = lines.GroupBy(key).OrderByDescending(g => g.Count()).ToList();
            if (groups.Count < 2) return;
            int majority = groups[0].Count();
            var minority = groups.Skip(1).SelectMany(g => g).OrderBy(l => l.Line).ToList();
            if (minority.Count > lines.Count / 10) return; // a real mix, not stray lines
            foreach (var l in minority.Take(ConsistencyLinesReported))
                findings.Add(new QualityFinding(QualityCheck.Consistency, source.Path, l.Line, new object[] { describe(key(l)), majority, lines.Count, source.Tag, fix }));
        }
        Minority(l => l.HasSystem, has => has ? "has a system message" : "has no system message",
            "Give every example the same layout, or leave the system message out everywhere and set template.system.");
        Minority(l => l.Layout, layout => $"has the fields {{{layout}}}", "Use the same fields on every line; an extra or missing field often means a line from another export.");
    }

    private static double Percentile(int[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(at), hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
