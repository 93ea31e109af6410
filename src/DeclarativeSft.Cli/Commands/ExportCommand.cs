using System.CommandLine;

namespace DeclarativeSft.Cli.Commands;

/// <summary><c>sft export --base DIR --checkpoint DIR --output DIR</c>: like <c>sft merge</c>, from a training checkpoint
/// (checkpoints/step-N of a LoRA run, which carries adapter_config.json) or a PEFT adapter folder.</summary>
internal static class ExportCommand
{
    public static Command Create() => MergeCommand.Build("export",
        "Export a LoRA training checkpoint (or PEFT adapter) merged into its base as an HF checkpoint folder", "--checkpoint");
}
