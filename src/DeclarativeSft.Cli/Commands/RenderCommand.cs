using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class RenderCommand
{
    public static Command Create()
    {
        var command = new Command("render", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft render: not implemented yet"); return 2; });
        return command;
    }
}
