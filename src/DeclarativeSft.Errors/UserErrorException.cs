namespace DeclarativeSft;

/// <summary>
/// An error the user can fix — in a recipe, a data, model or tokenizer file, an output folder, or the machine — whose
/// message already names the file (and line, where there is one), what is wrong and what to do. Commands print it as
/// one line and exit 1. Every other exception is a bug in DeclarativeSft and is reported as one, with its stack.
/// </summary>
public class UserErrorException : Exception
{
    /// <summary>An error whose <paramref name="message"/> says where, what and what to do.</summary>
    public UserErrorException(string message) : base(message) { }

    /// <summary>As <see cref="UserErrorException(string)"/>, caused by <paramref name="inner"/> (e.g. the IOException of a full disk).</summary>
    public UserErrorException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>
    /// An <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> met while reading or writing
    /// <paramref name="path"/> — missing file, full disk, no permission — as a user error naming the path; null for
    /// any other exception (a bug, left as it is).
    /// </summary>
    /// <param name="doing">What was being done, e.g. "cannot write the checkpoint".</param>
    public static UserErrorException? FromIo(Exception e, string path, string doing) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException =>
            new UserErrorException($"{path}: {doing}: not found. Check the path (relative paths are resolved against the recipe's folder).", e),
        UnauthorizedAccessException =>
            new UserErrorException($"{path}: {doing}: permission denied. Give this user access, or choose another folder.", e),
        IOException => new UserErrorException($"{path}: {doing}: {e.Message} Check free disk space, permissions and the path.", e),
        _ => null,
    };
}
