using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Commands;
using DeclarativeSft.Runtime.Hosting;

namespace DeclarativeSft.Runtime.Tests.Hosting;

/// <summary>
/// One user-error type: a <see cref="UserErrorException"/> is one line and exit 1; any other exception is reported as
/// a bug with its stack (exit 70), however harmless its type looks (an IOException or ArgumentException thrown by our
/// own code is a bug, not something the user can fix). IO failures the user causes are user errors naming the path.
/// </summary>
public class ErrorReportTests
{
    [Fact]
    public void A_user_error_is_one_line_and_exit_1()
    {
        var error = new StringWriter();
        int code = ErrorReport.Write(new UserErrorException("data/train.jsonl:3: missing field 'messages'; add it"), error);

        Assert.Equal(1, code);
        Assert.Equal(["error: data/train.jsonl:3: missing field 'messages'; add it"], Lines(error));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(IOException))]
    public void Any_other_exception_is_a_bug_report_with_its_stack(Type type)
    {
        var error = new StringWriter();
        int code = ErrorReport.Write(Thrown((Exception)Activator.CreateInstance(type, "index 3 out of range")!), error);

        Assert.Equal(ErrorReport.BugExitCode, code);
        var lines = Lines(error);
        Assert.Equal($"error: {type.Name}: index 3 out of range", lines[0]);
        Assert.Equal(ErrorReport.BugLine, lines[1]);
        Assert.Contains(lines, l => l.Contains(nameof(ThrowingMethod)) && l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recipe_program_reports_a_bug_in_a_command_with_its_stack()
    {
        using var dir = new TempFolder();
        var spec = Recipe(dir);
        var error = new StringWriter();
        int code = RecipeCommands.Run(spec, new RecipeRunOptions(RecipeCommand.Train, MaxSteps: 1), TextWriter.Null, error,
            createComponents: _ => throw new InvalidOperationException("component factory failed"));
        // The component factory is product code: its failure is not the user's doing, so a bug report with a stack.
        Assert.Equal(ErrorReport.BugExitCode, code);
        var lines = Lines(error);
        Assert.Equal("error: InvalidOperationException: component factory failed", lines[0]);
        Assert.Equal(ErrorReport.BugLine, lines[1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_write_into_a_folder_that_cannot_be_created_is_a_user_error_naming_the_path()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["blocker"], "a file where a folder should be");
        var path = Path.Combine(dir["blocker"], "metrics.jsonl");

        var e = Assert.Throws<UserErrorException>(() => AtomicFile.WriteAllText(path, "{}"));

        Assert.Contains(path, e.Message);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
        var error = new StringWriter();
        Assert.Equal(1, ErrorReport.Write(e, error));
        Assert.Single(Lines(error));
    }

    private static RecipeSpec Recipe(TempFolder dir)
    {
        var output = dir["out"];
        File.WriteAllText(dir["train.jsonl"], "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n");
        var path = dir["recipe.sft.yaml"];
        var text = $"name: error-test\nmodel:\n  init:\n    preset: tiny\ntokenizer: builtin:bytes\ndata:\n  train: train.jsonl\noutput:\n  dir: '{output}'\n";
        return RecipeParser.Parse(path, text).Spec ?? throw new InvalidOperationException("test recipe does not parse");
    }

    private static Exception Thrown(Exception e)
    {
        try { ThrowingMethod(e); }
        catch (Exception caught) { return caught; }
        throw new InvalidOperationException("unreachable");
    }

    private static void ThrowingMethod(Exception e) => throw e;

    private static string[] Lines(StringWriter w) => w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
