using System.Globalization;
using System.Text.RegularExpressions;

namespace DeclarativeSft.Tokenizers.PreTokenizers;

/// <summary>
/// Regexes from tokenizer.json run with a match timeout (set when the Regex is constructed, so normal matching pays
/// nothing per call): a hostile pattern that backtracks catastrophically fails with an error naming the file and the
/// pattern instead of hanging the encoder.
/// </summary>
internal static class TokenizerRegex
{
    /// <summary>How long one match may take. Real pre-tokenizer patterns match a piece in microseconds.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    public static Regex Create(string pattern, RegexOptions options) => new(pattern, options, MatchTimeout);

    public static TokenizerLoadException TimedOut(string path, string where, string pattern, int textLength, RegexMatchTimeoutException e) =>
        new(path, $"the {where} regex \"{pattern}\" took longer than {MatchTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s " +
                  $"to match a text of {textLength.ToString("N0", CultureInfo.InvariantCulture)} characters: the pattern backtracks catastrophically " +
                  "(Hugging Face's own patterns match in microseconds). Use the model's original tokenizer.json, or fix the pattern.", e);
}
