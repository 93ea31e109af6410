using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Data.Quality;

/// <summary>
/// The dataset checks of one source in one pass over its examples, as they are read and labeled — by
/// <see cref="DatasetLinter.Run"/> (<c>sft lint</c>) or by the build's data check, which reads and labels every line
/// anyway. Per-line findings (markers, empty turns, characters, truncation) point at the data line; per-source ones
/// (length calibration, trained share, layout consistency) at the recipe's entry for the source. What needs all
/// sources (duplicates, format collapse) is left to <see cref="DatasetLinter.Conclude"/> through compact
/// <see cref="ExampleFingerprint"/>s.
/// </summary>
public sealed class SourceLint
{
    private static readonly ulong[] NoSignature = new ulong[TextFingerprint.Slots];
    private readonly bool _fingerprint, _signature;
    private readonly char[] _markerStarts;
    private readonly SourceDeclaration _source;
    private readonly int _sourceIndex;
    private readonly LintSettings _settings;
    private readonly Dictionary<string, string> _markers;
    private readonly List<QualityFinding> _findings = new List<QualityFinding>();
    private readonly SourceStatistics _statistics;
    private readonly List<ExampleFingerprint> _fingerprints = new List<ExampleFingerprint>();
    private readonly List<(int Line, string Layout, bool HasSystem)> _layouts = new List<(int Line, string Layout, bool HasSystem)>();
    private readonly List<int> _responses = new List<int>();

    /// <param name="source">The source's declaration (tag, path, where the recipe names it).</param>
    /// <param name="sourceIndex">Its position in data.train.</param>
    /// <param name="settings">What the reader, the mask and truncation do.</param>
    /// <param name="markers">See <see cref="Markers"/>.</param>
    /// <param name="crossSourceChecks">Whether the duplicate and collapse checks are on (else no fingerprints are
    /// made), and the near-duplicate one (else no MinHash signatures).</param>
    public SourceLint(SourceDeclaration source, int sourceIndex, LintSettings settings, Dictionary<string, string> markers,
        (bool Fingerprints, bool Signatures)? crossSourceChecks = null)
    {
        _fingerprint = crossSourceChecks?.Fingerprints ?? true;
        _signature = _fingerprint && (crossSourceChecks?.Signatures ?? true);
        _source = source;
        _sourceIndex = sourceIndex;
        _settings = settings;
        _markers = markers;
        _markerStarts = markers.Keys.Where(k => k.Length > 0).Select(k => k[0]).Distinct().ToArray();
        _statistics = new SourceStatistics(source.Tag, source.Path);
    }

    /// <summary>One example read from the source: the conversation the reader made of its line and how the recipe
    /// labels it (null when it could not be labeled; the caller reports why).</summary>
    public void Observe(Conversation conversation, LabeledExample? labeled)
    {
        int line = conversation.SourceLine;
        _layouts.Add((line, conversation.Layout, conversation.Messages[0].Role == ChatRoles.System));
        CheckMessages(conversation, _source.Path, line, _markers, _findings);
        if (labeled is null) return;
        _statistics.Examples++;
        Count(labeled, _statistics, _responses);
        CheckLength(labeled, _settings, _source.Path, line, _findings);
        if (!_fingerprint) return;
        // Normalising "role: content" of each message once gives the text (all), the prompt (all but the last) and
        // the answer: normalising joins whitespace, so the normalised join is the join of the normalised parts.
        var messages = conversation.Messages;
        var parts = new string[messages.Count];
        for (int m = 0; m < parts.Length; m++) parts[m] = TextFingerprint.Normalize(messages[m].Role + ": " + messages[m].Content);
        var text = string.Join(" ", parts.Where(p => p.Length > 0));
        var prompt = string.Join(" ", parts.Take(parts.Length - 1).Where(p => p.Length > 0));
        var answer = TextFingerprint.Normalize(messages[messages.Count - 1].Content);
        int answerWords = answer.Length == 0 ? 0 : 1;
        foreach (char ch in answer) if (ch == ' ') answerWords++;
        _fingerprints.Add(new ExampleFingerprint(_sourceIndex, line, TextFingerprint.Hash(text), TextFingerprint.Hash(prompt),
            TextFingerprint.Hash(answer), answerWords, _signature ? TextFingerprint.Signature(text) : NoSignature));
    }

    /// <summary>The source's findings (per line, then per source), statistics and fingerprints.</summary>
    public SourceLintResult Finish()
    {
        var findings = new List<QualityFinding>(_findings);
        CheckCalibration(_source, _responses, findings);
        CheckTrainedShare(_source, _statistics, findings);
        CheckConsistency(_source, _layouts, findings);
        return new SourceLintResult(findings, _statistics, _fingerprints);
    }

    /// <summary>Strings that render as structure when they appear in message content: the template's own markers,
    /// the tokenizer's BOS/EOS and other families' markers; each with what it is.</summary>
    public static Dictionary<string, string> Markers(ChatTemplate template, ITokenizer tokenizer)
    {
        var markers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in template.SpecialTokens) if (m.Length > 0) markers[m] = $"a marker of the {template.Name} template";
        if (tokenizer.BosTokenId is int bos && tokenizer.IdToToken(bos) is { Length: > 0 } b) markers[b] = "the tokenizer's BOS token";
        if (tokenizer.EosTokenId is int eos && tokenizer.IdToToken(eos) is { Length: > 0 } e) markers[e] = "the tokenizer's EOS token";
        foreach (var m in DatasetLinter.KnownMarkers)
            if (!markers.ContainsKey(m)) markers[m] = "a chat-template marker of another model family";
        return markers;
    }

    private void CheckMessages(Conversation conversation, string file, int line, Dictionary<string, string> markers, List<QualityFinding> findings)
    {
        for (int m = 0; m < conversation.Messages.Count; m++)
        {
            var message = conversation.Messages[m];
            var content = message.Content;
            // Most content holds no character a marker starts with: one scan instead of one per marker.
            if (content.IndexOfAny(_markerStarts) >= 0)
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
        var messages = labeled.Source.Messages;
        var perMessage = new int[messages.Count];
        foreach (var span in labeled.TokenSpans)
            if (span.MessageIndex >= 0 && span.MessageIndex < perMessage.Length) perMessage[span.MessageIndex]++;
        for (int m = 0; m < perMessage.Length; m++)
        {
            if (perMessage[m] == 0) continue;
            var role = messages[m].Role;
            if (!stat.MessageTokens.TryGetValue(role, out var list)) stat.MessageTokens[role] = list = new List<int>();
            list.Add(perMessage[m]);
            if (role == ChatRoles.Assistant) responses.Add(perMessage[m]);
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

    private static void CheckCalibration(SourceDeclaration source, List<int> responses, List<QualityFinding> findings)
    {
        if (responses.Count < DatasetLinter.CalibrationMinResponses) return;
        var sorted = responses.OrderBy(x => x).ToArray();
        double p10 = Percentile(sorted, 0.10), p90 = Percentile(sorted, 0.90), median = Percentile(sorted, 0.5);
        if (median <= 0 || p90 - p10 > DatasetLinter.TightSpread * median) return;
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
        if (share >= DatasetLinter.LowTrainedShare) return;
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
            foreach (var l in minority.Take(DatasetLinter.ConsistencyLinesReported))
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
}

/// <summary>What <see cref="SourceLint"/> found in one source.</summary>
public sealed class SourceLintResult
{
    public SourceLintResult(IReadOnlyList<QualityFinding> findings, SourceStatistics statistics, IReadOnlyList<ExampleFingerprint> fingerprints)
    {
        Findings = findings;
        Statistics = statistics;
        Fingerprints = fingerprints;
    }

    public IReadOnlyList<QualityFinding> Findings { get; }
    public SourceStatistics Statistics { get; }
    public IReadOnlyList<ExampleFingerprint> Fingerprints { get; }
}

/// <summary>
/// What the dataset-level checks need of one example, without its text: 64-bit hashes of its normalised text, prompt
/// and answer, and its MinHash signature. Equal by value, so a build can cache it.
/// </summary>
public sealed class ExampleFingerprint : IEquatable<ExampleFingerprint>
{
    public ExampleFingerprint(int sourceIndex, int line, ulong text, ulong prompt, ulong answer, int answerWords, ulong[] signature)
    {
        SourceIndex = sourceIndex;
        Line = line;
        Text = text;
        Prompt = prompt;
        Answer = answer;
        AnswerWords = answerWords;
        Signature = signature;
    }

    public int SourceIndex { get; }
    public int Line { get; }
    public ulong Text { get; }
    public ulong Prompt { get; }
    public ulong Answer { get; }
    /// <summary>Words of the last message after normalising (short answers — a number, a name — are no format collapse).</summary>
    public int AnswerWords { get; }
    public ulong[] Signature { get; }

    public bool Equals(ExampleFingerprint? other) =>
        other is not null && SourceIndex == other.SourceIndex && Line == other.Line && Text == other.Text && Prompt == other.Prompt
        && Answer == other.Answer && AnswerWords == other.AnswerWords && Signature.AsSpan().SequenceEqual(other.Signature);

    public override bool Equals(object? obj) => Equals(obj as ExampleFingerprint);

    public override int GetHashCode() => unchecked((int)(Text ^ (Text >> 32)) * 31 + Line);
}
