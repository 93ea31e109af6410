using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class ScoreCommand
{
    public static Command Create()
    {
        var command = new Command("score", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft score: not implemented yet"); return 2; });
        return command;
    }
}
