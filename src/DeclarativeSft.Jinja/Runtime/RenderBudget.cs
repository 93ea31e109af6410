using System.Runtime.CompilerServices;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>
/// What one render may still spend (<see cref="JinjaLimits"/>): loop iterations and macro calls, call depth, sizes
/// of built strings and lists. One per render call, reachable from anywhere in the interpreter on that thread
/// (<see cref="Current"/>), so rendering stays thread-safe.
/// </summary>
internal sealed class RenderBudget
{
    [ThreadStatic] private static RenderBudget? t_current;

    private readonly JinjaLimits _limits;
    private readonly string? _name;
    private long _steps;
    private long _built;
    private int _callDepth;

    private RenderBudget(JinjaLimits limits, string? name) { _limits = limits; _name = name; }

    /// <summary>The budget of the render running on this thread (defaults when called outside a render).</summary>
    public static RenderBudget Current => t_current ??= new RenderBudget(JinjaLimits.Default, null);

    /// <summary>Starts a render's budget on this thread; dispose to restore the previous one.</summary>
    public static Scope Begin(JinjaLimits limits, string? name)
    {
        var previous = t_current;
        t_current = new RenderBudget(limits, name);
        return new Scope(previous);
    }

    public readonly struct Scope(RenderBudget? previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }

    public int MaxOutputLength => _limits.MaxOutputLength;

    /// <summary>One loop iteration or macro call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step(int line = 0, int column = 0)
    {
        if (++_steps > _limits.MaxRenderSteps) ThrowSteps(line, column);
    }

    private void ThrowSteps(int line, int column) => throw JinjaLimitException.Create(_name, "ran loop iterations and macro calls:", "MaxRenderSteps",
        _limits.MaxRenderSteps, "Real chat templates need a few per message; this one loops without end or over huge ranges. Fix the template or use a named template.format.",
        line, column);

    public void EnterCall()
    {
        if (++_callDepth > _limits.MaxCallDepth)
        {
            _callDepth--;
            throw JinjaLimitException.Create(_name, "nests macro calls", "MaxCallDepth", _limits.MaxCallDepth,
                "A macro calls itself without end (recursion without a base case). Fix the template or use a named template.format.");
        }
        EnsureStack();
    }

    public void ExitCall() => _callDepth--;

    /// <summary>A string or list of <paramref name="length"/> is about to be built (or was): checks its size and counts it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Built(long length)
    {
        if (length > _limits.MaxOutputLength) ThrowSize(length);
        _built += length;
        if (_built > _limits.MaxBuiltTotal) ThrowBuilt();
    }

    /// <summary>A string or list of <paramref name="length"/> is about to be built: fails before allocating when it is too large.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckSize(long length)
    {
        if (length > _limits.MaxOutputLength) ThrowSize(length);
    }

    /// <summary>The size of <paramref name="count"/> copies of something <paramref name="length"/> long, saturating instead of overflowing.</summary>
    public static long Times(long length, long count) =>
        length <= 0 || count <= 0 ? 0 : count > long.MaxValue / length ? long.MaxValue : length * count;

    /// <summary>Counts a value that was just built, when it is a string or a list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public object? Built(object? value)
    {
        if (value is string s) Built(s.Length);
        else if (value is List<object?> l) Built(l.Count);
        return value;
    }

    /// <summary>The rendered output (or a block's) has grown to <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Output(int length, int line, int column)
    {
        if (length > _limits.MaxOutputLength) ThrowSize(length, line, column);
    }

    private void ThrowSize(long length, int line = 0, int column = 0) => throw JinjaLimitException.Create(_name,
        $"builds a string or list of {length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} (characters or items), which is",
        "MaxOutputLength", _limits.MaxOutputLength,
        "A chat template renders about as much text as the conversation holds; this one repeats or pads text without bound. Fix the template or use a named template.format.",
        line, column);

    private void ThrowBuilt() => throw JinjaLimitException.Create(_name, "builds strings and lists totalling", "MaxBuiltTotal",
        _limits.MaxBuiltTotal, "It grows a string or list step by step without bound (quadratic work). Fix the template or use a named template.format.");

    /// <summary>Fails with a limit error, not a process-killing stack overflow, when the thread's stack runs low
    /// (deeply nested values, such as a list nested 100,000 deep or a namespace that contains itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) ThrowStack();
    }

    private static void ThrowStack()
    {
        var name = t_current?._name;
        string who = name is null ? "the template" : $"the chat template in '{name}'";
        throw new JinjaLimitException(
            $"{who} works on values nested too deeply for the thread's stack (a list or dict nested thousands deep, or one that contains itself). " +
            "Fix the template or use a named template.format.", "Stack", 0);
    }
}
