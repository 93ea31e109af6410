using System;
using System.Security.Cryptography;
using System.Text;

namespace DeclarativeSft.Recipes;

/// <summary>
/// The text of a tokenizer file (tokenizer.json or tokenizer_config.json) as a pipeline model: equal when path and
/// content hash are, so the generator compares a hash, not megabytes, and a loaded tokenizer (not equatable) is
/// found by <see cref="Hash"/> in <see cref="TokenizerCache"/>.
/// </summary>
public sealed record TokenizerFileText(string Path, string Hash, string Text)
{
    /// <summary>Wraps <paramref name="text"/> with its SHA-256.</summary>
    public static TokenizerFileText Of(string path, string text) => new(path, HashOf(text), text);

    /// <summary>Hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string HashOf(string text)
    {
        using var sha = SHA256.Create();
        var digest = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var hex = new StringBuilder(digest.Length * 2);
        foreach (var b in digest) hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return hex.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(TokenizerFileText? other) =>
        other is not null && string.Equals(Path, other.Path, StringComparison.Ordinal) && string.Equals(Hash, other.Hash, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Hash);
}

/// <summary>The tokenizer files one recipe's data checks need: tokenizer.json and tokenizer_config.json (either may be absent).</summary>
public sealed record RecipeTokenizerFiles(TokenizerFileText? TokenizerJson, TokenizerFileText? TokenizerConfig)
{
    /// <summary>No files (the byte tokenizer, or the files are missing).</summary>
    public static RecipeTokenizerFiles None { get; } = new(null, null);
}
