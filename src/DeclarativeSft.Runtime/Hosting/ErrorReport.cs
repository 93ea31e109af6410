using DeclarativeSft.Torch;

namespace DeclarativeSft.Runtime.Hosting;

/// <summary>
/// How a recipe program and the <c>sft</c> tool end on an exception: a <see cref="UserErrorException"/> (the message
/// names the file, what is wrong and what to do) is one "error: …" line; anything else is a bug in DeclarativeSft and
/// is reported as one, with its stack, so it is never mistaken for a problem with the recipe.
/// </summary>
public static class ErrorReport
{
    /// <summary>Exit code of a user error.</summary>
    public const int UserErrorExitCode = 1;

    /// <summary>Exit code of a bug (BSD sysexits' EX_SOFTWARE: internal software error).</summary>
    public const int BugExitCode = 70;

    /// <summary>The line that says an error is a bug.</summary>
    public const string BugLine = "This is a bug in DeclarativeSft, not in your recipe or files. Please report it with the lines below.";

    /// <summary>Writes <paramref name="e"/> to <paramref name="error"/> as above; returns the exit code.</summary>
    public static int Write(Exception e, TextWriter error)
    {
        if (e is UserErrorException)
        {
            error.WriteLine($"error: {TorchErrors.Headline(e)}");
            return UserErrorExitCode;
        }
        if (e is OutOfMemoryException || e is System.Runtime.InteropServices.ExternalException && TorchErrors.IsOutOfMemory(e))
        {
            error.WriteLine($"error: out of memory: {TorchErrors.Headline(e)}. Lower training.micro_batch_size or data.max_seq_len, " +
                "enable training.gradient_checkpointing, or use LoRA.");
            return UserErrorExitCode;
        }
        error.WriteLine($"error: {e.GetType().Name}: {TorchErrors.Headline(e)}");
        error.WriteLine(BugLine);
        error.WriteLine(e.ToString());
        return BugExitCode;
    }
}
