using System.CommandLine;
using DeclarativeSft.Data;
using DeclarativeSft.Jinja;
using DeclarativeSft.Recipes;
using DeclarativeSft.Tokenizers;
using DataTruncation = DeclarativeSft.Data.TruncationMode;

namespace DeclarativeSft.Cli.Commands;

/// <summary>
/// <c>sft inspect &lt;recipe.sft.yaml&gt; [--count N] [--html out.html]</c>: the label view of a recipe's training
/// data — each token of the first N examples shown trained (highlighted) or masked (dim), with counts, totals
/// over all examples and warnings. Uses the recipe's own tokenizer, template, mask and data settings.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var recipe = new Argument<FileInfo>("recipe") { Description = "Path of the recipe (recipe.sft.yaml)." };
        var count = new Option<int>("--count") { Description = "How many examples to show token by token.", DefaultValueFactory = _ => 3 };
        var html = new Option<FileInfo?>("--html") { Description = "Also write the view as a self-contained HTML page." };
        var command = new Command("inspect", "Show which tokens of the recipe's training data are trained (labels) and which are masked.")
        {
            recipe, count, html,
        };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(count), parse.GetValue(html)));
        return command;
    }

    public static int Run(FileInfo recipeFile, int count, FileInfo? html)
    {
        if (!recipeFile.Exists)
        {
            Console.Error.WriteLine($"{recipeFile.FullName}: error: recipe file not found. Pass the path of a recipe.sft.yaml.");
            return 1;
        }
        var parsed = RecipeParser.Parse(recipeFile.FullName, File.ReadAllText(recipeFile.FullName));
        if (parsed.Spec is not RecipeSpec spec)
        {
            foreach (var d in parsed.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error)) Console.Error.WriteLine(d.ToString());
            Console.Error.WriteLine($"{recipeFile.Name}: fix the errors above (see `sft validate`), then inspect again.");
            return 1;
        }
        try
        {
            var inspection = Inspect(spec, Math.Max(0, count));
            LabelViewWriter.WriteToConsole(inspection);
            if (html != null)
            {
                HtmlLabelView.Write(inspection, html.FullName);
                Console.Out.WriteLine($"wrote {html.FullName}");
            }
            return 0;
        }
        catch (Exception e) when (e is DataFormatException or ChatTemplateException or FileNotFoundException
                                      or TokenizerLoadException or JinjaException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    internal static LabelInspection Inspect(RecipeSpec spec, int count)
    {
        var tokenizer = CreateTokenizer(spec);
        var template = CreateTemplate(spec, tokenizer);
        var mask = new LossMaskOptions(MaskMode(spec.Mask.TrainOn), spec.Mask.TrainEos);
        var masker = new LossMasker(tokenizer, template, mask);
        var data = spec.Data;
        var options = new DataPipelineOptions(
            data.Train.ToArray(),
            Format(data.Format),
            data.MaxSeqLen,
            Truncation(data.Truncation),
            data.Packing,
            PackingStrategy.BestFit,
            data.Validation?.Split,
            data.Validation?.Path,
            data.Replay?.Path,
            data.Replay?.Ratio ?? 0,
            spec.Training.Seed,
            spec.Template.System);
        var prepared = DataPipeline.Prepare(options, masker, tokenizer.EosTokenId ?? 0);
        return LabelInspection.Create(prepared.Train, prepared.TrainTruncation.Dropped, count, tokenizer, template.Name, mask, prepared.TrainStats);
    }

    /// <summary><c>builtin:bytes</c> (and <c>model</c> for a from-scratch model) → ByteTokenizer with the template's
    /// special tokens; a path → that tokenizer.json or folder; <c>model</c> → the model folder's tokenizer.</summary>
    internal static ITokenizer CreateTokenizer(RecipeSpec spec)
    {
        ITokenizer tokenizer = spec.Tokenizer.Source switch
        {
            TokenizerSource.Path when Directory.Exists(spec.Tokenizer.Path) => HfTokenizer.FromDirectory(spec.Tokenizer.Path!),
            TokenizerSource.Path => HfTokenizer.FromFile(spec.Tokenizer.Path!),
            TokenizerSource.Model when spec.Model.Path != null => HfTokenizer.FromDirectory(spec.Model.Path),
            _ => new ByteTokenizer(ByteTokenizerSpecials(spec.Template), eosToken: "<|endoftext|>"),
        };
        if (spec.Template is { Format: TemplateFormat.Custom, AddSpecialTokens: true, Tokens: { } tokens })
        {
            var missing = CustomTokens(tokens).Where(t => tokenizer.TokenToId(t) is null).ToList();
            if (missing.Count > 0)
            {
                switch (tokenizer)
                {
                    case HfTokenizer hf: hf.AddSpecialTokens(missing); break;
                    case ByteTokenizer bytes: bytes.AddSpecialTokens(missing); break;
                }
            }
        }
        return tokenizer;
    }

    private static IEnumerable<string> ByteTokenizerSpecials(TemplateSpec template) => template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate().SpecialTokens,
        TemplateFormat.Llama3 => new Llama3Template().SpecialTokens,
        TemplateFormat.Custom when template.Tokens != null => CustomTokens(template.Tokens),
        _ => [],
    };

    private static string[] CustomTokens(TemplateTokens t) =>
        [t.System.Start, t.System.End, t.User.Start, t.User.End, t.Assistant.Start, t.Assistant.End];

    internal static ChatTemplate CreateTemplate(RecipeSpec spec, ITokenizer tokenizer) => spec.Template.Format switch
    {
        TemplateFormat.ChatMl => new ChatMlTemplate(),
        TemplateFormat.Llama3 => new Llama3Template(),
        TemplateFormat.Alpaca => ChatTemplates.Named("alpaca", tokenizer),
        TemplateFormat.HumanAssistant => ChatTemplates.Named("human-assistant", tokenizer),
        TemplateFormat.Custom when spec.Template.Tokens is { } t => new RoleTokenTemplate(
            new RoleTokens(t.System.Start, t.System.End), new RoleTokens(t.User.Start, t.User.End),
            new RoleTokens(t.Assistant.Start, t.Assistant.End)),
        TemplateFormat.FromTokenizer => ChatTemplates.FromTokenizerConfig(TokenizerConfigPath(spec)),
        _ => throw new ChatTemplateException("template.format custom needs template.tokens { system: [open, close], user: [...], assistant: [...] }"),
    };

    private static string TokenizerConfigPath(RecipeSpec spec)
    {
        string? folder = spec.Tokenizer.Source == TokenizerSource.Path && spec.Tokenizer.Path != null
            ? (Directory.Exists(spec.Tokenizer.Path) ? spec.Tokenizer.Path : Path.GetDirectoryName(spec.Tokenizer.Path))
            : spec.Model.Path;
        if (folder == null)
            throw new ChatTemplateException("template.format from-tokenizer needs a model folder or tokenizer path with a tokenizer_config.json");
        return Path.Combine(folder, "tokenizer_config.json");
    }

    private static LossMaskMode MaskMode(MaskMode mode) => mode switch
    {
        Recipes.MaskMode.Assistant => LossMaskMode.Assistant,
        Recipes.MaskMode.LastAssistant => LossMaskMode.LastAssistant,
        Recipes.MaskMode.Completion => LossMaskMode.Completion,
        _ => LossMaskMode.All,
    };

    private static DatasetFormat Format(DataFormat format) => format switch
    {
        DataFormat.Messages => DatasetFormat.Messages,
        DataFormat.ShareGpt => DatasetFormat.ShareGpt,
        DataFormat.Alpaca => DatasetFormat.Alpaca,
        DataFormat.PromptCompletion => DatasetFormat.PromptCompletion,
        _ => DatasetFormat.UserAssistant,
    };

    private static DataTruncation Truncation(Recipes.TruncationMode mode) => mode switch
    {
        Recipes.TruncationMode.Drop => DataTruncation.Drop,
        Recipes.TruncationMode.Truncate => DataTruncation.Truncate,
        _ => DataTruncation.Error,
    };
}
