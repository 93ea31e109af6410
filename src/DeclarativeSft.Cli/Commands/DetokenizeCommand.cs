using System.CommandLine;
using DeclarativeSft.Tokenizers.Jsonl;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft detokenize --tokenizer &lt;tokenizer.json|dir|builtin:bytes&gt; --input &lt;in.jsonl&gt;
/// [--skip-special-tokens] [--output out.jsonl]</c>: each <c>{"ids"}</c> line becomes a <c>{"text"}</c> line.
/// </summary>
internal static class DetokenizeCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json, a model folder containing one, or builtin:bytes.",
            Required = true,
        };
        var input = new Option<string>("--input") { Description = "JSONL input; each line {\"ids\": [...]}.", Required = true };
        var skipSpecial = new Option<bool>("--skip-special-tokens") { Description = "Leave special tokens out of the text." };
        var output = new Option<string?>("--output") { Description = "Write {\"text\": \"...\"} lines here (default: standard output)." };
        var command = new Command("detokenize", "Decode token ids back into text with a Hugging Face tokenizer.json.")
        {
            tokenizer, input, skipSpecial, output,
        };
        command.SetAction(parse => TokenizeCommand.Run(parse.GetValue(tokenizer)!, parse.GetValue(input)!, parse.GetValue(output),
            (tok, reader, writer) => TokenizerJsonl.Detokenize(reader, writer, tok, parse.GetValue(skipSpecial), parse.GetValue(input)!)));
        return command;
    }
}
