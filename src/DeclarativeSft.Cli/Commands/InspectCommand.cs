using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class InspectCommand
{
    public static Command Create()
    {
        var command = new Command("inspect", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft inspect: not implemented yet"); return 2; });
        return command;
    }
}
