using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class TokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("tokenize", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft tokenize: not implemented yet"); return 2; });
        return command;
    }
}
