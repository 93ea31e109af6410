using System.CommandLine;
using DeclarativeSft.Cli.Commands;

// `sft`: utilities over the same runtime and validator that recipe programs use.
// Each command lives in Commands/<Name>Command.cs and exposes Create().
var root = new RootCommand("DeclarativeSft: declarative supervised fine-tuning for .NET")
{
    ValidateCommand.Create(),
    LintCommand.Create(),
    InspectCommand.Create(),
    TokenizeCommand.Create(),
    DetokenizeCommand.Create(),
    RenderCommand.Create(),
    ScoreCommand.Create(),
    MergeCommand.Create(),
    ExportCommand.Create(),
    NewCommand.Create(),
};
return root.Parse(args).Invoke();
