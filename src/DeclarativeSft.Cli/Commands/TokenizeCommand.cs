using System.CommandLine;
using System.Text;
using DeclarativeSft.Tokenizers;
using DeclarativeSft.Tokenizers.Jsonl;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft tokenize --tokenizer &lt;tokenizer.json|dir|builtin:bytes&gt; --input &lt;in.jsonl&gt;
/// [--add-special-tokens] [--output out.jsonl]</c>: each <c>{"text"}</c> line becomes an <c>{"ids"}</c> line.
/// </summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json, a model folder containing one, or builtin:bytes.",
            Required = true,
        };
        var input = new Option<string>("--input") { Description = "JSONL input; each line {\"text\": \"...\"}.", Required = true };
        var addSpecial = new Option<bool>("--add-special-tokens")
        {
            Description = "Add what the tokenizer's post-processor adds (BOS etc.).",
        };
        var output = new Option<string?>("--output") { Description = "Write {\"ids\": [...]} lines here (default: standard output)." };
        var command = new Command("tokenize", "Encode text lines into token ids with a Hugging Face tokenizer.json.")
        {
            tokenizer, input, addSpecial, output,
        };
        command.SetAction(parse => Run(parse.GetValue(tokenizer)!, parse.GetValue(input)!, parse.GetValue(output),
            (tok, reader, writer) => TokenizerJsonl.Tokenize(reader, writer, tok, parse.GetValue(addSpecial), parse.GetValue(input)!)));
        return command;
    }

    /// <summary>Opens the tokenizer and the input, runs <paramref name="convert"/> and writes its lines to
    /// standard output or, atomically, to <paramref name="output"/>. Errors are one line naming file and line.</summary>
    internal static int Run(string tokenizerSpec, string input, string? output, Func<ITokenizer, TextReader, TextWriter, int> convert)
    {
        ITokenizer tokenizer;
        try
        {
            tokenizer = TokenizerFactory.Open(tokenizerSpec);
        }
        catch (TokenizerLoadException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        if (!File.Exists(input))
        {
            Console.Error.WriteLine($"{input}: error: input file not found. Pass a JSONL file.");
            return 1;
        }

        string? temp = null;
        try
        {
            using var reader = new StreamReader(input, Encoding.UTF8);
            if (output is null)
            {
                using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
                convert(tokenizer, reader, stdout);
                return 0;
            }
            // Atomic: write beside the target, then rename over it, so a failure never leaves half a file.
            var full = Path.GetFullPath(output);
            temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".tmp-" + Environment.ProcessId);
            int count;
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                count = convert(tokenizer, reader, writer);
            File.Move(temp, full, overwrite: true);
            temp = null;
            Console.Error.WriteLine($"wrote {count} line(s) to {output}");
            return 0;
        }
        catch (JsonlInputException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"{output ?? input}: error: {e.Message}");
            return 1;
        }
        finally
        {
            if (temp is not null && File.Exists(temp)) File.Delete(temp);
        }
    }
}
