namespace DeclarativeSft.Runtime.Hosting;

/// <summary>What a generated recipe program was asked to do.</summary>
public enum RecipeCommand
{
    /// <summary>Fine-tune (the default when no subcommand is given).</summary>
    Train,
    /// <summary>Show tokenized examples with their loss mask.</summary>
    Inspect,
    /// <summary>Evaluate the trained (or base) model on the validation data.</summary>
    Eval,
    /// <summary>Generate a completion for a prompt.</summary>
    Generate,
    /// <summary>Write the trained model in the formats of <c>output.save</c>.</summary>
    Export,
}

/// <summary>
/// The command line of a generated recipe program, parsed. Null values mean "as the recipe says".
/// </summary>
/// <param name="Command">Subcommand.</param>
/// <param name="MaxSteps"><c>--max-steps</c>: cap on optimizer steps (overrides training.max_steps).</param>
/// <param name="Output"><c>--output</c>: output folder (overrides output.dir).</param>
/// <param name="Device"><c>--device</c>: auto | cpu | cuda | cuda:N (overrides training.device).</param>
/// <param name="Seed"><c>--seed</c>: overrides training.seed.</param>
/// <param name="Resume"><c>--resume</c>: auto | never | checkpoint path (overrides output.resume_from_checkpoint).</param>
/// <param name="Count"><c>--count</c> (inspect): number of examples to show.</param>
/// <param name="Prompt"><c>--prompt</c> (generate): the user message to answer.</param>
/// <param name="RecipeDir"><c>--recipe-dir</c>: the folder the recipe's relative paths resolve against (default: the working directory).</param>
public sealed record RecipeRunOptions(
    RecipeCommand Command = RecipeCommand.Train,
    int? MaxSteps = null,
    string? Output = null,
    string? Device = null,
    int? Seed = null,
    string? Resume = null,
    int? Count = null,
    string? Prompt = null,
    string? RecipeDir = null);
