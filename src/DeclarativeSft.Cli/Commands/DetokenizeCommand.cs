using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

internal static class DetokenizeCommand
{
    public static Command Create()
    {
        var command = new Command("detokenize", "(not implemented yet)");
        command.SetAction(_ => { Console.Error.WriteLine("sft detokenize: not implemented yet"); return 2; });
        return command;
    }
}
