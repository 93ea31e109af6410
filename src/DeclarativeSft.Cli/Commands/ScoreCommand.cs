using System.CommandLine;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Runtime.Scoring;
using DeclarativeSft.Torch;

namespace DeclarativeSft.Cli.Commands;

/// <summary><c>sft score --model DIR --input F.jsonl</c>: per-token log-probabilities of each {"ids": [...]} line.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face checkpoint folder (config.json + safetensors)", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "JSONL file: one {\"ids\": [...]} per line", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Write {\"logprobs\": [...]} lines here instead of stdout" };
        var command = new Command("score", "Per-token log-probabilities log p(ids[t] | ids[<t]), t = 1..n-1, float32") { model, input, output };
        command.SetAction(parse =>
        {
            var modelDir = parse.GetValue(model)!;
            var inputFile = parse.GetValue(input)!;
            var outputFile = parse.GetValue(output);
            if (!inputFile.Exists)
            {
                Console.Error.WriteLine($"sft score: input file {inputFile.FullName} not found.");
                return 1;
            }
            try
            {
                TorchRuntime.EnsureInitialized();
                using var m = LlamaForCausalLM.FromPretrained(modelDir.FullName);
                using var reader = new StreamReader(inputFile.FullName);
                if (outputFile is null)
                {
                    var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
                    TokenScorer.ScoreJsonl(m, reader, stdout, inputFile.FullName);
                    stdout.Flush();
                }
                else
                {
                    using var sw = new StringWriter();
                    TokenScorer.ScoreJsonl(m, reader, sw, inputFile.FullName);
                    DeclarativeSft.Runtime.AtomicFile.WriteAllText(outputFile.FullName, sw.ToString());
                }
                return 0;
            }
            catch (UserErrorException e)
            {
                Console.Error.WriteLine($"sft score: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
