using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class MergeCommand
{
    public static Command Create()
    {
        var command = new Command("merge", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft merge: not implemented yet"); return 2; });
        return command;
    }
}
