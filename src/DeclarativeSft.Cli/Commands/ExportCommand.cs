using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft export: not implemented yet"); return 2; });
        return command;
    }
}
