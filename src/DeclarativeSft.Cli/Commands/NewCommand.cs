using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class NewCommand
{
    public static Command Create()
    {
        var command = new Command("new", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft new: not implemented yet"); return 2; });
        return command;
    }
}
