using System.Text;

namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "ByteFallback"}</c>: runs of <c>&lt;0xXX&gt;</c> tokens become the text their bytes
/// spell in UTF-8 (invalid sequences become U+FFFD, as the WHATWG decoder the JS oracle uses does).</summary>
internal sealed class ByteFallbackDecoder : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' &&
                byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                continue;
            }
            Flush(bytes, result);
            result.Add(token);
        }
        Flush(bytes, result);
        return result;
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0) return;
        result.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
        bytes.Clear();
    }
}
