using System;
using System.Collections.Generic;
using System.Text;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Recipes;

/// <summary>
/// Loaded tokenizers by content: a build (and an IDE session) loads each tokenizer.json once, however many data
/// files and recipes use it. Keyed by the content hashes of tokenizer.json and tokenizer_config.json plus the tokens
/// the recipe adds; a few entries are kept (a Llama-3 tokenizer is tens of MB loaded).
/// </summary>
public static class TokenizerCache
{
    private const int Capacity = 4;
    private static readonly object Gate = new();
    private static readonly Dictionary<string, ITokenizer> Loaded = new(StringComparer.Ordinal);
    private static readonly LinkedList<string> Order = new();
    private static readonly Dictionary<string, int> LoadsByHash = new(StringComparer.Ordinal);

    /// <summary>How many times the tokenizer.json with content hash <paramref name="tokenizerJsonHash"/> was loaded
    /// (not found in the cache) in this process; for tests.</summary>
    public static int LoadsOf(string tokenizerJsonHash)
    {
        lock (Gate) return LoadsByHash.TryGetValue(tokenizerJsonHash, out var n) ? n : 0;
    }

    /// <summary>The recipe's tokenizer: the byte tokenizer, or the tokenizer.json of <paramref name="files"/>; null when
    /// the recipe needs a tokenizer.json that is missing.</summary>
    /// <exception cref="TokenizerLoadException">The tokenizer.json cannot be loaded.</exception>
    public static ITokenizer? For(RecipeSpec spec, RecipeTokenizerFiles files)
    {
        if (RecipeText.UsesByteTokenizer(spec)) return RecipeText.WithRecipeTokens(spec, RecipeText.CreateByteTokenizer(spec));
        if (files.TokenizerJson is not { } json) return null;
        var added = spec.Template is { Format: TemplateFormat.Custom, AddSpecialTokens: true, Tokens: { } t }
            ? string.Join("\u0001", t.System.Start, t.System.End, t.User.Start, t.User.End, t.Assistant.Start, t.Assistant.End)
            : "";
        var key = json.Hash + "|" + (files.TokenizerConfig?.Hash ?? "") + "|" + added;
        // Loaded under the lock, so that concurrent checks of several data files wait for one load instead of
        // making their own.
        lock (Gate)
        {
            if (Loaded.TryGetValue(key, out var found))
            {
                Order.Remove(key);
                Order.AddFirst(key);
                return found;
            }
            ReadOnlyMemory<byte>? config = files.TokenizerConfig is { } c ? Encoding.UTF8.GetBytes(c.Text) : null;
            var tokenizer = RecipeText.WithRecipeTokens(spec,
                RecipeText.LoadTokenizer(Encoding.UTF8.GetBytes(json.Text), json.Path, config, files.TokenizerConfig?.Path ?? "tokenizer_config.json"));
            LoadsByHash[json.Hash] = (LoadsByHash.TryGetValue(json.Hash, out var n) ? n : 0) + 1;
            Loaded[key] = tokenizer;
            Order.AddFirst(key);
            while (Order.Count > Capacity)
            {
                Loaded.Remove(Order.Last!.Value);
                Order.RemoveLast();
            }
            return tokenizer;
        }
    }
}
