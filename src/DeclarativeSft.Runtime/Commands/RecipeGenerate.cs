using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Generation;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;

namespace DeclarativeSft.Runtime.Commands;

/// <summary><c>generate --prompt "…"</c>: the latest checkpoint's greedy answer to one user message.</summary>
public static class RecipeGenerate
{
    /// <summary>Prints the answer to <c>--prompt</c>; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, RecipeComponents components, TextWriter output)
    {
        if (string.IsNullOrWhiteSpace(options.Prompt))
            throw new RecipeRunException("generate needs --prompt \"<user message>\"");
        using var session = RecipeSession.Open(spec, options, components.Transform);
        session.LoadLatestCheckpoint();
        var ids = session.EncodePrompt([new ChatMessage(ChatRoles.User, options.Prompt)]);
        var generated = TextGenerator.Generate(session.Model, ids, new SamplingOptions(0, 1, spec.Eval.MaxNewTokens), session.StopIds);
        output.WriteLine(session.Decode(generated));
        return 0;
    }
}
