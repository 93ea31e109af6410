using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Components;

/// <summary>
/// Code of the recipe project named by <c>data.transform</c>: the run applies it to every conversation read from the
/// data files (training and validation), before the default system prompt, rendering, masking and truncation, and
/// checks what it returns with the same rules as untransformed data. The build cannot run it (SFT0077): its data
/// checks see the files as they are.
/// </summary>
public interface IExampleTransform
{
    /// <summary>The conversation to train on instead of <paramref name="conversation"/>, or null to leave the example
    /// out. Keep <see cref="Conversation.SourceFile"/> and <see cref="Conversation.SourceLine"/> (use <c>with</c>) so
    /// errors about the result still name the data line it came from.</summary>
    Conversation? Transform(Conversation conversation);
}
