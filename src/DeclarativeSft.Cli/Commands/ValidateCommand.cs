using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var command = new Command("validate", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft validate: not implemented yet"); return 2; });
        return command;
    }
}
