using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeclarativeSft.Tokenizers.AddedTokens;
using DeclarativeSft.Tokenizers.Decoders;
using DeclarativeSft.Tokenizers.Models;
using DeclarativeSft.Tokenizers.Normalizers;
using DeclarativeSft.Tokenizers.PostProcessors;
using DeclarativeSft.Tokenizers.PreTokenizers;

namespace DeclarativeSft.Tokenizers.Loading;

/// <summary>Reads Hugging Face's tokenizer.json format into components. Unsupported parts fail here, at load
/// time, with the file name and the component named — never later as a wrong encoding.</summary>
internal static class TokenizerJsonLoader
{
    public static TokenizerDefinition Load(string path, JsonElement root, TokenizerConfig? config)
    {
        try
        {
            return LoadCore(path, root, config);
        }
        catch (TokenizerLoadException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException or JsonException)
        {
            throw new TokenizerLoadException(path, $"not a valid tokenizer.json ({e.Message}). Use the tokenizer.json of a Hugging Face model folder.", e);
        }
    }

    private static TokenizerDefinition LoadCore(string path, JsonElement root, TokenizerConfig? config)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new TokenizerLoadException(path, "has no \"model\" object; is this a Hugging Face tokenizer.json?");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : model.TryGetProperty("merges", out _) ? "BPE" : null;
        if (type != "BPE")
            throw new TokenizerLoadException(path, $"model type \"{type}\" is not supported (only BPE models: GPT-2, Llama, Qwen, Mistral, Gemma style). Use a BPE tokenizer or the builtin:bytes tokenizer.");
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.TryGetProperty(affix, out var a) && a.ValueKind == JsonValueKind.String && a.GetString()!.Length > 0)
                throw new TokenizerLoadException(path, $"BPE \"{affix}\" is not supported.");

        var vocab = new Dictionary<string, int>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocab[entry.Name] = entry.Value.GetInt32();

        var merges = new List<(string, string)>();
        if (model.TryGetProperty("merges", out var mergeList))
        {
            foreach (var m in mergeList.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Array)
                {
                    merges.Add((m[0].GetString()!, m[1].GetString()!));
                    continue;
                }
                var text = m.GetString()!;
                var space = text.IndexOf(' ', 1);
                if (space < 0) throw new TokenizerLoadException(path, $"merge \"{text}\" is not two tokens separated by a space.");
                var second = text.IndexOf(' ', space + 1);
                merges.Add((text[..space], second < 0 ? text[(space + 1)..] : text[(space + 1)..second]));
            }
        }

        var unkToken = OptionalString(model, "unk_token");
        int? unkId = unkToken is not null && vocab.TryGetValue(unkToken, out var u) ? u : null;
        var preTokenizer = ParsePreTokenizer(path, root.TryGetProperty("pre_tokenizer", out var pt) ? pt : default);
        var bpe = new BpeModel(vocab, merges, preTokenizer.ByteLevel, Bool(model, "byte_fallback"), unkId,
            Bool(model, "fuse_unk"), Bool(model, "ignore_merges"));

        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out var addedList) && addedList.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in addedList.EnumerateArray())
            {
                var special = Bool(a, "special");
                added.Add(new AddedToken(a.GetProperty("id").GetInt32(), a.GetProperty("content").GetString()!, special,
                    Bool(a, "lstrip"), Bool(a, "rstrip"), Bool(a, "single_word"),
                    a.TryGetProperty("normalized", out var n) && n.ValueKind is JsonValueKind.True or JsonValueKind.False ? n.GetBoolean() : !special));
            }
        }

        CheckIds(path, vocab, added);
        var tokenIds = new Dictionary<string, int>(vocab);
        foreach (var a in added) tokenIds[a.Content] = a.Id;

        var normalizer = ParseNormalizer(path, root.TryGetProperty("normalizer", out var norm) ? norm : default);
        var frame = ParsePostProcessor(path, root.TryGetProperty("post_processor", out var post) ? post : default, tokenIds);
        string? unsupportedDecoder = null;
        TokenDecoder? decoder = null;
        var addedContents = added.Select(a => a.Content).ToHashSet();
        if (root.TryGetProperty("decoder", out var dec) && dec.ValueKind == JsonValueKind.Object)
        {
            try
            {
                decoder = ParseDecoder(dec, addedContents);
            }
            catch (NotSupportedException e)
            {
                unsupportedDecoder = e.Message; // encoding still works; Decode reports this
            }
        }
        return new TokenizerDefinition(path, vocab, bpe, normalizer, preTokenizer, frame, decoder, unsupportedDecoder,
            added, addedContents, unkToken, config);
    }

    /// <summary>One more than the largest token id accepted. The largest real vocabularies have about 262,000 tokens;
    /// an id in the millions or billions is a broken or hostile file (the id table and embeddings are sized by it).</summary>
    internal const int MaxVocabularySize = 1 << 24;

    /// <summary>Every token id is in [0, <see cref="MaxVocabularySize"/>), each id names one token, and each added token
    /// either is new or keeps the vocabulary's id for the same text.</summary>
    private static void CheckIds(string path, Dictionary<string, int> vocab, List<AddedToken> added)
    {
        const string Fix = "Use the model's original tokenizer.json.";
        var byId = new Dictionary<int, string>(vocab.Count + added.Count);
        foreach (var (token, id) in vocab)
        {
            if (id < 0 || id >= MaxVocabularySize)
                throw new TokenizerLoadException(path, $"vocabulary token {Quote(token)} has id {id}, outside [0, {MaxVocabularySize - 1}] " +
                    $"(real vocabularies have at most a few hundred thousand tokens). {Fix}");
            if (!byId.TryAdd(id, token))
                throw new TokenizerLoadException(path, $"vocabulary maps both {Quote(byId[id])} and {Quote(token)} to id {id}; " +
                    $"each id must name one token (decoding would be ambiguous). {Fix}");
        }
        var addedById = new Dictionary<int, string>(added.Count);
        foreach (var a in added)
        {
            if (a.Id < 0 || a.Id >= MaxVocabularySize)
                throw new TokenizerLoadException(path, $"added token {Quote(a.Content)} has id {a.Id}, outside [0, {MaxVocabularySize - 1}] " +
                    $"(the vocabulary has {vocab.Count} tokens; added tokens follow it). {Fix}");
            if (!addedById.TryAdd(a.Id, a.Content))
                throw new TokenizerLoadException(path, $"added_tokens gives id {a.Id} twice ({Quote(addedById[a.Id])} and {Quote(a.Content)}); " +
                    $"each added token needs its own id. {Fix}");
            if (byId.TryGetValue(a.Id, out var existing) && existing != a.Content)
                throw new TokenizerLoadException(path, $"added token {Quote(a.Content)} has id {a.Id}, which the vocabulary already gives to {Quote(existing)}; " +
                    $"each id must name one token. {Fix}");
        }
    }

    private static string Quote(string token) => "\"" + (token.Length > 40 ? token[..40] + "…" : token) + "\"";

    private static TextNormalizer? ParseNormalizer(string path, JsonElement n)
    {
        if (n.ValueKind != JsonValueKind.Object) return null;
        var type = n.GetProperty("type").GetString();
        return type switch
        {
            "Sequence" => new SequenceNormalizer(n.GetProperty("normalizers").EnumerateArray()
                .Select(x => ParseNormalizer(path, x)).OfType<TextNormalizer>().ToList()),
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Prepend" => new PrependNormalizer(n.GetProperty("prepend").GetString() ?? ""),
            "Replace" => ParseReplace(path, n),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(Bool(n, "strip_left"), Bool(n, "strip_right")),
            _ => throw new TokenizerLoadException(path, $"normalizer \"{type}\" is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace, Lowercase, Strip)."),
        };
    }

    private static ReplaceNormalizer ParseReplace(string path, JsonElement n)
    {
        var pattern = n.GetProperty("pattern");
        var (literal, regex) = ParsePattern(pattern);
        return new ReplaceNormalizer(literal, regex, OptionalString(n, "content") ?? "", path, PatternText(pattern));
    }

    private static (string? Literal, Regex? Regex) ParsePattern(JsonElement pattern)
    {
        if (pattern.TryGetProperty("String", out var s)) return (s.GetString() ?? "", null);
        return (null, OnigurumaTranslator.Compile(pattern.GetProperty("Regex").GetString()!));
    }

    private static string? PatternText(JsonElement pattern) =>
        pattern.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    private static PreTokenizerPipeline ParsePreTokenizer(string path, JsonElement p)
    {
        var steps = new List<JsonElement>();
        if (p.ValueKind == JsonValueKind.Object)
        {
            if (p.GetProperty("type").GetString() == "Sequence") steps.AddRange(p.GetProperty("pretokenizers").EnumerateArray());
            else steps.Add(p);
        }
        MetaspaceTransform? metaspace = null;
        var splitters = new List<PreTokenSplitter>();
        var byteLevel = false;
        for (var index = 0; index < steps.Count; index++)
        {
            var step = steps[index];
            var type = step.GetProperty("type").GetString();
            switch (type)
            {
                case "Split":
                    splitters.Add(ParseSplit(path, step));
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    if (Bool(step, "add_prefix_space"))
                        throw new TokenizerLoadException(path, "ByteLevel pre-tokenizer with add_prefix_space=true is not supported.");
                    if (!step.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False)
                        splitters.Add(new Gpt2Splitter());
                    break;
                case "Metaspace":
                    if (index != 0 || metaspace is not null)
                        throw new TokenizerLoadException(path, "a Metaspace pre-tokenizer is supported only as the first step.");
                    var replacement = (OptionalString(step, "replacement") ?? "\u2581")[0];
                    var scheme = OptionalString(step, "prepend_scheme") switch
                    {
                        "first" => PrependScheme.First,
                        "never" => PrependScheme.Never,
                        "always" => PrependScheme.Always,
                        _ => step.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.False ? PrependScheme.Never : PrependScheme.Always,
                    };
                    metaspace = new MetaspaceTransform(replacement, scheme);
                    if (!step.TryGetProperty("split", out var split) || split.ValueKind != JsonValueKind.False)
                        splitters.Add(new PatternSplitter(replacement.ToString(), null, SplitBehavior.MergedWithNext, false, path));
                    break;
                case "WhitespaceSplit":
                    splitters.Add(new PatternSplitter(null, TokenizerRegex.Create(@"\S+", RegexOptions.Compiled), SplitBehavior.Isolated, true, path));
                    break;
                case "Whitespace":
                    splitters.Add(new PatternSplitter(null, TokenizerRegex.Create(@"\w+|[^\w\s]+", RegexOptions.Compiled), SplitBehavior.Isolated, true, path));
                    break;
                case "Digits":
                    var digits = Bool(step, "individual_digits") ? @"\p{Nd}" : @"\p{Nd}+";
                    splitters.Add(new PatternSplitter(null, TokenizerRegex.Create(digits, RegexOptions.Compiled), SplitBehavior.Isolated, false, path));
                    break;
                default:
                    throw new TokenizerLoadException(path, $"pre-tokenizer \"{type}\" is not supported (supported: Sequence, Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Digits).");
            }
        }
        return new PreTokenizerPipeline(metaspace, splitters, byteLevel);
    }

    private static PreTokenSplitter ParseSplit(string path, JsonElement step)
    {
        var behavior = Enum.Parse<SplitBehavior>(OptionalString(step, "behavior") ?? "Isolated", ignoreCase: true);
        var invert = Bool(step, "invert");
        var pattern = step.GetProperty("pattern");
        if (pattern.TryGetProperty("Regex", out var r) && !invert && behavior == SplitBehavior.Isolated)
        {
            var regex = r.GetString()!;
            foreach (var digits in new[] { 1, 3 })
            foreach (var caseInsensitive in new[] { true, false })
                if (regex == Gpt4StyleSplitter.PatternFor(digits, caseInsensitive))
                    return new Gpt4StyleSplitter(digits, caseInsensitive);
            if (regex == Gpt2Splitter.Pattern) return new Gpt2Splitter();
        }
        var (literal, compiled) = ParsePattern(pattern);
        return new PatternSplitter(literal, compiled, behavior, invert, path, PatternText(pattern));
    }

    private static SpecialTokenFrame ParsePostProcessor(string path, JsonElement p, Dictionary<string, int> tokenIds)
    {
        if (p.ValueKind != JsonValueKind.Object) return SpecialTokenFrame.None;
        var type = p.GetProperty("type").GetString();
        switch (type)
        {
            case "ByteLevel":
                return SpecialTokenFrame.None;
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (var step in p.GetProperty("processors").EnumerateArray())
                {
                    var f = ParsePostProcessor(path, step, tokenIds);
                    prefix.AddRange(f.Prefix);
                    suffix.InsertRange(0, f.Suffix);
                }
                return new SpecialTokenFrame(prefix.ToArray(), suffix.ToArray());
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>();
                if (p.TryGetProperty("special_tokens", out var st))
                    foreach (var s in st.EnumerateObject())
                        specials[s.Name] = s.Value.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                var before = new List<int>();
                var after = new List<int>();
                var seenSequence = false;
                foreach (var item in p.GetProperty("single").EnumerateArray())
                {
                    if (item.TryGetProperty("Sequence", out _))
                    {
                        seenSequence = true;
                        continue;
                    }
                    var name = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                    var ids = specials.TryGetValue(name, out var found) ? found
                        : tokenIds.TryGetValue(name, out var single) ? [single]
                        : throw new TokenizerLoadException(path, $"post-processor template names special token \"{name}\" that the file does not define.");
                    (seenSequence ? after : before).AddRange(ids);
                }
                return new SpecialTokenFrame(before.ToArray(), after.ToArray());
            }
            case "BertProcessing":
            case "RobertaProcessing":
                return new SpecialTokenFrame([p.GetProperty("cls")[1].GetInt32()], [p.GetProperty("sep")[1].GetInt32()]);
            default:
                throw new TokenizerLoadException(path, $"post-processor \"{type}\" is not supported (supported: TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence).");
        }
    }

    private static TokenDecoder ParseDecoder(JsonElement d, HashSet<string> addedContents)
    {
        var type = d.GetProperty("type").GetString();
        return type switch
        {
            "Sequence" => new SequenceDecoder(d.GetProperty("decoders").EnumerateArray().Select(x => ParseDecoder(x, addedContents)).ToList()),
            "ByteLevel" => new ByteLevelDecoder(addedContents.Contains),
            "Replace" => new ReplaceDecoder(d.GetProperty("pattern").TryGetProperty("String", out var s)
                ? s.GetString() ?? ""
                : throw new NotSupportedException("decoder Replace with a regex pattern is not supported"), OptionalString(d, "content") ?? ""),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder((OptionalString(d, "content") ?? " ")[0], Int(d, "start"), Int(d, "stop")),
            "Metaspace" => new MetaspaceDecoder((OptionalString(d, "replacement") ?? "\u2581")[0], OptionalString(d, "prepend_scheme") != "never"),
            _ => throw new NotSupportedException($"decoder \"{type}\" is not supported (supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence)"),
        };
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
