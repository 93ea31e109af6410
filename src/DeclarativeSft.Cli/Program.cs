using System.CommandLine;
using DeclarativeSft.Cli.Commands;
using DeclarativeSft.Runtime.Hosting;

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
// A user error (UserErrorException) is one line; anything else is reported as a bug, with its stack (ErrorReport).
try { return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }); }
catch (Exception e) { return ErrorReport.Write(e, Console.Error); }
