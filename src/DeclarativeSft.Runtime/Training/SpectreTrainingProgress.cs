using Spectre.Console;

namespace DeclarativeSft.Runtime.Training;

/// <summary>A live Spectre.Console progress bar whose description carries loss, lr and tokens/s; messages print above it.</summary>
public sealed class SpectreTrainingProgress : ITrainingProgress
{
    private readonly ProgressTask _task;

    private SpectreTrainingProgress(ProgressTask task) => _task = task;

    /// <summary>Runs <paramref name="body"/> inside a progress display.</summary>
    public static T Run<T>(int totalSteps, Func<ITrainingProgress, T> body)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: Math.Max(1, totalSteps));
                result = body(new SpectreTrainingProgress(task));
                task.StopTask();
            });
        return result;
    }

    public void Step(int step, int totalSteps, double loss, double lr, double tokensPerSecond, TimeSpan eta)
    {
        _task.MaxValue = Math.Max(1, totalSteps);
        _task.Value = step;
        _task.Description = FormattableString.Invariant($"step {step}/{totalSteps} loss {loss:0.0000} lr {lr:0.0e+0} {tokensPerSecond:0} tok/s");
    }

    public void Message(string text) => AnsiConsole.WriteLine(text);
}
