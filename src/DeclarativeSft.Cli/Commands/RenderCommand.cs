using System.CommandLine;
using System.Text;
using DeclarativeSft.Jinja;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft render --tokenizer &lt;dir|tokenizer_config.json&gt; --input &lt;in.jsonl&gt; [--add-generation-prompt]
/// [--output out.jsonl]</c>: renders each conversation with the model's own Jinja chat template, as transformers'
/// <c>apply_chat_template(tokenize=False)</c> would.
/// </summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer directory holding tokenizer_config.json, or that file itself.",
            Required = true,
        };
        var input = new Option<string>("--input")
        {
            Description = "JSONL input; each line {\"messages\": [{\"role\": ..., \"content\": ...}, ...]}.",
            Required = true,
        };
        var addGenerationPrompt = new Option<bool>("--add-generation-prompt")
        {
            Description = "Append the prompt that starts the assistant's reply (add_generation_prompt=True).",
        };
        var output = new Option<string?>("--output") { Description = "Write {\"text\": ...} lines here (default: standard output)." };
        var command = new Command("render", "Render conversations with a model's chat template (tokenizer_config.json).")
        {
            tokenizer, input, addGenerationPrompt, output,
        };
        command.SetAction(parse => Run(parse.GetValue(tokenizer)!, parse.GetValue(input)!, parse.GetValue(addGenerationPrompt), parse.GetValue(output)));
        return command;
    }

    public static int Run(string tokenizer, string input, bool addGenerationPrompt, string? output)
    {
        HfChatTemplate template;
        try { template = HfChatTemplate.Load(tokenizer); }
        catch (JinjaException e)
        {
            Console.Error.WriteLine(e is ChatTemplateConfigException ? $"error: {e.Message}" : $"{tokenizer}: error: the chat template does not parse: {e.Message}");
            return 1;
        }
        if (!File.Exists(input))
        {
            Console.Error.WriteLine($"{input}: error: input file not found. Pass a JSONL file of {{\"messages\": [...]}} lines.");
            return 1;
        }

        string? temp = null;
        try
        {
            using var reader = new StreamReader(input, Encoding.UTF8);
            int count;
            if (output is null)
            {
                var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
                count = ChatJsonlRenderer.Render(reader, stdout, template, addGenerationPrompt, input);
                stdout.Flush();
            }
            else
            {
                // Atomic: write beside the target, then rename over it, so a failure never leaves half a file.
                string full = Path.GetFullPath(output);
                temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".tmp-" + Environment.ProcessId);
                using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                    count = ChatJsonlRenderer.Render(reader, writer, template, addGenerationPrompt, input);
                File.Move(temp, full, overwrite: true);
                temp = null;
                Console.Error.WriteLine($"rendered {count} conversation(s) to {output}");
            }
            return 0;
        }
        catch (ChatInputException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            if (temp is not null && File.Exists(temp)) File.Delete(temp);
        }
    }
}
