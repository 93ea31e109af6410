using System.Text;
using DeclarativeSft.Tokenizers.Models;

namespace DeclarativeSft.Tokenizers.Decoders;

/// <summary><c>{"type": "ByteLevel"}</c>: maps the byte alphabet back to bytes and decodes UTF-8 (invalid
/// sequences become U+FFFD); added tokens are not byte-encoded and pass through as they are.</summary>
internal sealed class ByteLevelDecoder(Func<string, bool> isAddedToken) : TokenDecoder
{
    public override List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>();
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (isAddedToken(token))
            {
                Flush(bytes, result);
                result.Add(token);
                continue;
            }
            foreach (var c in token)
            {
                var b = c < ByteLevelAlphabet.CharToByte.Length ? ByteLevelAlphabet.CharToByte[c] : (short)-1;
                bytes.Add(b >= 0 ? (byte)b : (byte)0);
            }
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
