using System.Runtime.InteropServices;
using DeclarativeSft.Data;
using DeclarativeSft.Jinja;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Tokenizers;
using DeclarativeSft.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>
/// The commands of a generated recipe program — train (default), inspect, eval, generate, export — and the one
/// place where their failures are reported (<see cref="ErrorReport"/>: a user error is one "error: …" line and exit
/// code 1; anything else is reported as a bug, with its stack).
/// </summary>
public static class RecipeCommands
{
    /// <summary>Environment variable that caps the held-out items scored by train and eval (quick runs, CI).</summary>
    public const string HeldOutItemsVariable = "SFT_HELDOUT_ITEMS";

    /// <summary>Runs <paramref name="options"/>.Command for <paramref name="spec"/> with its components; returns the exit code.
    /// The generated program reaches it through <see cref="RecipeHost.Run(RecipeSpec, Func{RecipeSpec, RecipeComponents}, string[])"/>
    /// (console streams); tests call it with their own.</summary>
    /// <param name="spec">The recipe.</param>
    /// <param name="options">Command and overrides.</param>
    /// <param name="output">Where results go.</param>
    /// <param name="error">Where the one-line error goes.</param>
    /// <param name="heldOutItems">Answer only the first N held-out prompts (null = all).</param>
    /// <param name="createComponents">The recipe's evaluators and hooks; null = the built-ins the recipe names
    /// (a recipe naming its own classes needs its generated program).</param>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, TextWriter output, TextWriter error, int? heldOutItems = null,
        Func<RecipeSpec, RecipeComponents>? createComponents = null)
    {
        try
        {
            // libtorch starts before the first tensor (OpenMP wait policy, loaded by full path); inspect needs no torch.
            if (options.Command != RecipeCommand.Inspect) TorchRuntime.EnsureInitialized();
            var components = createComponents is null ? RecipeComponents.BuiltIn(spec) : createComponents(spec);
            return options.Command switch
            {
                RecipeCommand.Train => RecipeTrain.Run(spec, options, components, output, heldOutItems),
                RecipeCommand.Inspect => RecipeInspect.Run(spec, options, components),
                RecipeCommand.Eval => RecipeEval.Run(spec, options, components, output, heldOutItems),
                RecipeCommand.Generate => RecipeGenerate.Run(spec, options, components, output),
                RecipeCommand.Export => RecipeExport.Run(spec, options, components, output),
                _ => throw new RecipeRunException($"unknown command {options.Command}"),
            };
        }
        catch (Exception e)
        {
            return ErrorReport.Write(e, error);
        }
    }
}
