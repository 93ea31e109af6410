using System.Text.Json;
using DeclarativeSft.Tokenizers.AddedTokens;
using DeclarativeSft.Tokenizers.Loading;
using DeclarativeSft.Tokenizers.Text;

namespace DeclarativeSft.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (BPE: byte-level GPT-2/Llama-3/Qwen files and SentencePiece-style
/// Llama-2/Mistral/Gemma files), checked token for token against Hugging Face's own implementation.
/// Encoding: added tokens are split out of the raw text, each remaining stretch is normalized, pre-tokenized
/// and merged by the BPE model, and offsets are carried back to the original string throughout.
/// Encoding is thread-safe; <see cref="AddSpecialTokens"/> is not safe to call while other threads encode.
/// It is also a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (see <see cref="SftTokenizer"/>): through that base
/// class, encodings equal Hugging Face's <c>encode(text, add_special_tokens=False)</c>;
/// <see cref="SftTokenizer.WithSpecialTokens"/> gives <c>add_special_tokens=True</c>.
/// </summary>
public sealed class HfTokenizer : SftTokenizer, ITokenizer
{
    private readonly TokenizerDefinition _def;
    private readonly ThreadLocal<EncoderScratch> _scratch = new(() => new EncoderScratch());
    private readonly Dictionary<string, int> _tokenIds;
    private readonly List<AddedToken> _addedTokens;
    private readonly HashSet<int> _specialIds = new();
    private string?[] _idToToken;
    private AddedTokenMatcher _rawMatcher = null!;
    private AddedTokenMatcher? _normalizedMatcher;

    private HfTokenizer(TokenizerDefinition def)
    {
        _def = def;
        _addedTokens = def.AddedTokens.ToList();
        _tokenIds = new Dictionary<string, int>(def.Vocab);
        var size = 0;
        foreach (var id in def.Vocab.Values) size = Math.Max(size, id + 1);
        foreach (var a in _addedTokens) size = Math.Max(size, a.Id + 1);
        _idToToken = new string?[size];
        foreach (var (token, id) in def.Vocab) _idToToken[id] = token;
        foreach (var a in _addedTokens)
        {
            _idToToken[a.Id] = a.Content;
            _tokenIds[a.Content] = a.Id;
            if (a.Special) _specialIds.Add(a.Id);
        }
        if (def.Config is { } config)
            foreach (var name in config.AdditionalSpecialTokens)
                if (_tokenIds.TryGetValue(name, out var id)) _specialIds.Add(id);
        RebuildMatchers();

        BosTokenId = ResolveId(def.Config?.BosToken) ?? (def.Frame.Prefix.Length > 0 ? def.Frame.Prefix[0] : null);
        EosTokenId = ResolveId(def.Config?.EosToken) ?? (def.Frame.Suffix.Length > 0 ? def.Frame.Suffix[^1] : null);
        PadTokenId = ResolveId(def.Config?.PadToken);
        // transformers' default when tokenizer_config.json is present but silent is to clean up; without the
        // file there is nothing asking for it.
        CleanUpTokenizationSpaces = def.Config is not null && (def.Config.CleanUpTokenizationSpaces ?? true);
    }

    /// <summary>Loads a tokenizer.json; a tokenizer_config.json next to it supplies bos/eos/pad and decode
    /// options.</summary>
    /// <exception cref="TokenizerLoadException">The file is missing, malformed or uses unsupported parts.</exception>
    public static HfTokenizer FromFile(string tokenizerJsonPath)
    {
        if (!File.Exists(tokenizerJsonPath))
            throw new TokenizerLoadException(tokenizerJsonPath, "file not found. Pass the path of a Hugging Face tokenizer.json or of the model folder that contains it.");
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!, "tokenizer_config.json");
        ReadOnlyMemory<byte>? config = null; // (a conditional expression would turn null into an empty buffer)
        byte[] json;
        try
        {
            if (File.Exists(configPath)) config = File.ReadAllBytes(configPath);
            json = File.ReadAllBytes(tokenizerJsonPath);
        }
        catch (Exception e) when (UserErrorException.FromIo(e, tokenizerJsonPath, "cannot read the tokenizer files") is { } user) { throw user; }
        return FromJson(json, config, tokenizerJsonPath, configPath);
    }

    /// <summary>Loads <c>tokenizer.json</c> (and <c>tokenizer_config.json</c> if present) from a model folder.</summary>
    public static HfTokenizer FromDirectory(string directory)
    {
        var path = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(path))
            throw new TokenizerLoadException(path, "file not found: the folder has no tokenizer.json (only Hugging Face's fast-tokenizer format is supported, not tokenizer.model).");
        return FromFile(path);
    }

    /// <summary>Loads a tokenizer from the UTF-8 contents of tokenizer.json and, optionally, tokenizer_config.json.
    /// The names are used in error messages.</summary>
    public static HfTokenizer FromJson(ReadOnlyMemory<byte> tokenizerJson, ReadOnlyMemory<byte>? tokenizerConfigJson = null,
        string tokenizerJsonName = "tokenizer.json", string tokenizerConfigName = "tokenizer_config.json")
    {
        TokenizerConfig? config = null;
        if (tokenizerConfigJson is { } configBytes)
        {
            try
            {
                using var configDoc = JsonDocument.Parse(configBytes, new JsonDocumentOptions { AllowTrailingCommas = true });
                config = TokenizerConfig.Parse(configDoc.RootElement);
            }
            catch (JsonException e)
            {
                throw new TokenizerLoadException(tokenizerConfigName, $"invalid JSON at line {e.LineNumber + 1}: {e.Message}", e);
            }
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(tokenizerJson, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException(tokenizerJsonName, $"invalid JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
        using (doc) return new HfTokenizer(TokenizerJsonLoader.Load(tokenizerJsonName, doc.RootElement, config));
    }

    /// <inheritdoc/>
    public int VocabSize => _idToToken.Length;

    /// <inheritdoc/>
    public int? BosTokenId { get; }

    /// <inheritdoc/>
    public int? EosTokenId { get; }

    /// <summary>The padding token named by tokenizer_config.json, if any.</summary>
    public int? PadTokenId { get; }

    /// <summary>Whether <see cref="Decode"/> removes spaces before punctuation (tokenizer_config.json's
    /// <c>clean_up_tokenization_spaces</c>, true by default when that file exists, as in transformers).</summary>
    public bool CleanUpTokenizationSpaces { get; set; }

    internal Models.BpeModel Model => _def.Model;

    /// <summary>The file this tokenizer was loaded from.</summary>
    public string SourcePath => _def.SourcePath;

    /// <summary>Whether <paramref name="id"/> is a special token (skipped by <c>Decode(skipSpecialTokens: true)</c>).</summary>
    public bool IsSpecialToken(int id) => _specialIds.Contains(id);

    /// <inheritdoc/>
    public int? TokenToId(string token) => _tokenIds.TryGetValue(token, out var id) ? id : null;

    /// <inheritdoc/>
    public string? IdToToken(int id) => id >= 0 && id < _idToToken.Length ? _idToToken[id] : null;

    /// <inheritdoc/>
    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        var tokens = _scratch.Value!.Tokens;
        tokens.Clear();
        EncodeInto(text, addSpecialTokens, tokens);
        var ids = new int[tokens.Count];
        for (var k = 0; k < ids.Length; k++) ids[k] = tokens[k].Id;
        return ids;
    }

    /// <inheritdoc/>
    public IReadOnlyList<EncodedToken> EncodeWithOffsets(string text, bool addSpecialTokens = false)
    {
        var tokens = new List<EncodedToken>(text.Length / 3 + 4);
        EncodeInto(text, addSpecialTokens, tokens);
        return tokens;
    }

    internal override void EncodeCore(string text, bool addSpecialTokens, List<EncodedToken> output) =>
        EncodeInto(text, addSpecialTokens, output);

    internal override string DecodeCore(IReadOnlyList<int> ids) => Decode(ids, skipSpecialTokens: false);

    internal override string TokenString(int id) =>
        id >= 0 && id < _idToToken.Length && _idToToken[id] is { } token ? token
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is not in the vocabulary of {_def.SourcePath}.");

    private void EncodeInto(string text, bool addSpecialTokens, List<EncodedToken> output)
    {
        ArgumentNullException.ThrowIfNull(text);
        var scratch = _scratch.Value!;
        if (addSpecialTokens)
            foreach (var id in _def.Frame.Prefix) output.Add(new EncodedToken(id, 0, 0));

        var segments = scratch.Segments;
        segments.Clear();
        _rawMatcher.Split(text, 0, text.Length, segments);
        for (var index = 0; index < segments.Count; index++)
        {
            var segment = segments[index];
            if (segment.Token is { } token) output.Add(new EncodedToken(token.Id, segment.Start, segment.End));
            else EncodeSection(text, segment.Start, segment.End, index == 0, scratch, output);
        }

        if (addSpecialTokens)
            foreach (var id in _def.Frame.Suffix) output.Add(new EncodedToken(id, text.Length, text.Length));
    }

    // One stretch of text between added tokens: normalize (keeping alignment), match normalized added tokens,
    // pre-tokenize, run the model on each piece, and map every token back to the original string.
    private void EncodeSection(string text, int start, int end, bool firstSection, EncoderScratch scratch, List<EncodedToken> output)
    {
        var raw = text.AsSpan(start, end - start);
        AlignedText? aligned = null;
        if (_def.Normalizer is { } normalizer && !normalizer.LeavesUnchanged(raw))
        {
            scratch.First.SetIdentity(raw, start);
            aligned = normalizer.Normalize(scratch.First, scratch.Second);
        }
        if (_def.PreTokenizer.Metaspace is { } metaspace)
        {
            if (aligned is null)
            {
                scratch.First.SetIdentity(raw, start);
                aligned = scratch.First;
            }
            aligned = metaspace.Apply(aligned, scratch.Other(aligned), firstSection);
        }
        var norm = aligned is null ? raw : aligned.Chars;
        if (norm.Length == 0) return;

        if (_normalizedMatcher is null)
        {
            EncodeText(norm, 0, norm.Length, start, aligned, scratch, output);
            return;
        }
        var inner = scratch.InnerSegments;
        inner.Clear();
        _normalizedMatcher.Split(norm, 0, norm.Length, inner);
        foreach (var segment in inner.ToArray())
        {
            if (segment.Token is { } token)
            {
                var (s, e) = aligned is null ? (start + segment.Start, start + segment.End) : aligned.MapRange(segment.Start, segment.End);
                output.Add(new EncodedToken(token.Id, s, e));
            }
            else EncodeText(norm, segment.Start, segment.End, start, aligned, scratch, output);
        }
    }

    private void EncodeText(ReadOnlySpan<char> norm, int from, int to, int baseOffset, AlignedText? aligned,
        EncoderScratch scratch, List<EncodedToken> output)
    {
        var pieces = scratch.Pieces;
        pieces.Clear();
        _def.PreTokenizer.Split(norm, from, to, pieces, scratch.SparePieces);
        var model = _def.Model;
        var fuseUnk = model.FuseUnk && model.UnkId.HasValue;
        var sectionFirst = output.Count;
        foreach (var piece in pieces)
        {
            foreach (var token in model.Encode(norm[piece.Start..piece.End], scratch.Bpe))
            {
                var ps = piece.Start + token.Start;
                var pe = piece.Start + token.End;
                var (s, e) = aligned is null ? (baseOffset + ps, baseOffset + pe) : aligned.MapRange(ps, pe);
                if (fuseUnk && token.Id == model.UnkId && output.Count > sectionFirst && output[^1].Id == token.Id)
                {
                    output[^1] = output[^1] with { End = e };
                    continue;
                }
                output.Add(new EncodedToken(token.Id, s, e));
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _idToToken.Length || _idToToken[id] is null)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the vocabulary of {_def.SourcePath} (size {VocabSize}).");
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            tokens.Add(_idToToken[id]!);
        }
        if (_def.UnsupportedDecoder is { } why)
            throw new NotSupportedException($"{_def.SourcePath}: cannot decode: {why}.");
        var decoded = _def.Decoder is null ? string.Join(' ', tokens) : string.Concat(_def.Decoder.DecodeChain(tokens));
        return CleanUpTokenizationSpaces ? TextCleanup.CleanUpTokenization(decoded) : decoded;
    }

    /// <summary>The added tokens: those of tokenizer.json and those <see cref="AddSpecialTokens"/> added since.</summary>
    internal IReadOnlyList<AddedToken> AddedTokenList => _addedTokens;

    /// <inheritdoc/>
    public IReadOnlyList<int> AddSpecialTokens(IEnumerable<string> tokens)
    {
        var ids = new List<int>();
        foreach (var content in tokens)
        {
            if (string.IsNullOrEmpty(content)) throw new ArgumentException("a special token cannot be empty", nameof(tokens));
            if (_tokenIds.TryGetValue(content, out var existing))
            {
                ids.Add(existing);
                if (!_addedTokens.Any(a => a.Content == content))
                    _addedTokens.Add(new AddedToken(existing, content, Special: true));
                _specialIds.Add(existing);
                continue;
            }
            var id = _idToToken.Length;
            Array.Resize(ref _idToToken, id + 1);
            _idToToken[id] = content;
            _tokenIds[content] = id;
            _addedTokens.Add(new AddedToken(id, content, Special: true));
            _def.AddedContents.Add(content);
            _specialIds.Add(id);
            ids.Add(id);
        }
        RebuildMatchers();
        return ids;
    }

    private void RebuildMatchers()
    {
        // Tokens marked normalized are matched in normalized text; the rest (all special tokens) in raw text.
        var normalizedMatching = _def.Normalizer is not null;
        _rawMatcher = new AddedTokenMatcher(_addedTokens.Where(a => !(a.Normalized && normalizedMatching)));
        var normalized = _addedTokens.Where(a => a.Normalized && normalizedMatching)
            .Select(a => a with { Content = _def.Normalizer!.NormalizeString(a.Content) }).ToList();
        _normalizedMatcher = normalized.Count == 0 ? null : new AddedTokenMatcher(normalized);
    }

    private int? ResolveId(string? token) => token is not null && _tokenIds.TryGetValue(token, out var id) ? id : null;
}
