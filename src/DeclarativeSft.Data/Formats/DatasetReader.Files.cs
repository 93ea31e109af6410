namespace DeclarativeSft.Data;

// The run's file access (net10.0 only: the generator never touches the file system, it reads AdditionalFiles text).
public static partial class DatasetReader
{
    /// <summary>Reads every example of <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="format"/> is <see cref="DatasetFormat.Custom"/> (<see cref="ReadJsonFile"/>).</exception>
    public static List<Conversation> ReadFile(string path, DatasetFormat format)
    {
        if (format == DatasetFormat.Custom) throw CustomNeedsTransform(nameof(format));
        return ReadChecked(path, text =>
        {
            var result = new List<Conversation>();
            ReadText(text, path, format, result.Add, e => throw e);
            return result;
        });
    }

    /// <summary>Every line of a <c>data.format: custom</c> file, each checked to be one JSON value (<see cref="ReadJsonLines"/>).</summary>
    public static List<RawDataLine> ReadJsonFile(string path) => ReadChecked(path, text =>
    {
        var result = new List<RawDataLine>();
        ReadJsonLines(text, path, result.Add, e => throw e);
        return result;
    });

    /// <summary><paramref name="read"/> over the text of <paramref name="path"/>, which must exist, not be binary and
    /// be valid UTF-8; every failure is a <see cref="UserErrorException"/> naming the file.</summary>
    private static T ReadChecked<T>(string path, Func<string, T> read)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"{path}: data file not found; check data.train / data.validation / data.replay paths in the recipe (relative paths resolve against the recipe folder)");
        try { CheckNotBinary(path); }
        catch (Exception e) when (UserErrorException.FromIo(e, path, "cannot read the data file") is { } user) { throw user; }
        string text;
        try
        {
            // Strict UTF-8: invalid bytes are an error naming the byte at their line:column, not silently U+FFFD (a
            // literal U+FFFD is refused by the line reader, ReplacementCharacterProblem, as at build time).
            using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: false);
            text = reader.ReadToEnd();
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw InvalidUtf8(path);
        }
        catch (Exception e) when (UserErrorException.FromIo(e, path, "cannot read the data file") is { } user) { throw user; }
        return read(text);
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static void CheckNotBinary(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[BinaryProbeLength];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        int nul = Array.IndexOf(head, (byte)0, 0, n);
        if (nul < 0) return;
        int line = 1;
        for (int i = 0; i < nul; i++) if (head[i] == (byte)'\n') line++;
        throw new DataFormatException(path, line,
            $"the file is binary, not text (a NUL byte at byte {nul + 1}); a data file is UTF-8 text with one JSON object per line. Point the recipe at the .jsonl file",
            DataProblemKind.NotText);
    }

    /// <summary>Finds the first invalid UTF-8 sequence (only on the error path) and names its line and column.</summary>
    private static DataFormatException InvalidUtf8(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int line = 1, lineStart = 0, i = 0;
        Span<char> decoded = stackalloc char[8];
        while (i < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes.AsSpan(i, Math.Min(UtfSequenceLength(bytes[i]), bytes.Length - i)), decoded, out int read, out _,
                replaceInvalidSequences: false, isFinalBlock: true);
            if (status == System.Buffers.OperationStatus.InvalidData || read == 0)
            {
                int column = System.Text.Encoding.UTF8.GetCharCount(bytes, lineStart, i - lineStart) + 1;
                return new DataFormatException(path, line,
                    $"column {column}: invalid UTF-8 (byte 0x{bytes[i]:X2} at byte offset {i}); data files must be UTF-8 text. " +
                    "Re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)", DataProblemKind.NotUtf8, column);
            }
            if (bytes[i] == (byte)'\n') { line++; lineStart = i + 1; }
            i += UtfSequenceLength(bytes[i]);
        }
        return new DataFormatException(path, line, "invalid UTF-8; data files must be UTF-8 text. Re-save the file as UTF-8", DataProblemKind.NotUtf8);
    }

    private static int UtfSequenceLength(byte b) => b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
}
