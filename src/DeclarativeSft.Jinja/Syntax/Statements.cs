using System.Text;
using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja.Syntax;

/// <summary>How a statement finished: normally, or by <c>break</c>/<c>continue</c> inside a loop.</summary>
internal enum Flow { Normal, Break, Continue }

/// <summary>A template statement; writes its output into a builder.</summary>
internal abstract class Stmt(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    public abstract Flow Render(Frame frame, StringBuilder output);

    /// <summary>An error still without a template position. Located errors pass through the enclosing statements without
    /// being caught and rethrown (an exception filter), which keeps unwinding from a deep recursion cheap on the stack.</summary>
    protected static bool NeedsLocation(Exception e) => e is not JinjaException { HasLocation: true };

    protected JinjaException Locate(Exception e) => e is JinjaException j
        ? j.At(Line, Column)
        : new JinjaException(e.Message, Line, Column, e);

    /// <summary>Bounds the text a render (or a block inside it) produces: <see cref="JinjaLimits.MaxOutputLength"/>.</summary>
    protected void CheckOutput(StringBuilder output)
    {
        RenderBudget.Current.Output(output.Length, Line, Column);
    }

    public static Flow RenderAll(List<Stmt> body, Frame frame, StringBuilder output)
    {
        for (int i = 0; i < body.Count; i++)
        {
            var flow = body[i].Render(frame, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }
}

internal sealed class TextStmt(string text, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        output.Append(text);
        CheckOutput(output);
        return Flow.Normal;
    }
}

internal sealed class OutputStmt(Expr expr, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        object? v;
        try { v = expr.Evaluate(frame); }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
        switch (v)
        {
            case string s: output.Append(s); break;
            case Undefined: break;
            default: output.Append(Values.Str(v)); break;
        }
        CheckOutput(output);
        return Flow.Normal;
    }
}

internal sealed class IfStmt(List<(Expr Test, List<Stmt> Body)> branches, List<Stmt>? otherwise, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        foreach (var (test, body) in branches)
        {
            bool pass;
            try { pass = Values.Truthy(test.Evaluate(frame)); }
            catch (Exception e) when (NeedsLocation(e)) { throw e is JinjaException j ? j.At(test.Line, test.Column) : Locate(e); }
            if (pass) return RenderAll(body, frame, output);
        }
        return otherwise is null ? Flow.Normal : RenderAll(otherwise, frame, output);
    }
}

/// <summary>Where an assignment or loop stores values: a name, a tuple of names, or a namespace attribute.</summary>
internal abstract record Target
{
    public abstract void Assign(Frame frame, object? value);
}

internal sealed record NameTarget(string Name) : Target
{
    public override void Assign(Frame frame, object? value) => frame.Set(Name, value);
}

internal sealed record TupleTarget(List<Target> Items) : Target
{
    public override void Assign(Frame frame, object? value)
    {
        var items = Values.Iterate(value);
        if (items.Count != Items.Count)
            throw new JinjaException(items.Count > Items.Count
                ? $"too many values to unpack (expected {Items.Count})"
                : $"not enough values to unpack (expected {Items.Count}, got {items.Count})");
        for (int i = 0; i < Items.Count; i++) Items[i].Assign(frame, items[i]);
    }
}

internal sealed record NamespaceTarget(string Namespace, string Attribute) : Target
{
    public override void Assign(Frame frame, object? value)
    {
        if (frame.Lookup(Namespace) is not Runtime.Namespace ns)
            throw new JinjaException("cannot assign attribute on non-namespace object");
        ns.Attributes[Attribute] = value;
    }
}

internal sealed class SetStmt(Target target, Expr value, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        try { target.Assign(frame, value.Evaluate(frame)); }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
        return Flow.Normal;
    }
}

/// <summary><c>{% set x %}...{% endset %}</c>, optionally through filters.</summary>
internal sealed class SetBlockStmt(Target target, List<Stmt> body, List<FilterExpr> filters, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        var sb = new StringBuilder();
        RenderAll(body, frame, sb);
        try { target.Assign(frame, FilterExpr.ApplyChain(filters, sb.ToString(), frame)); }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
        return Flow.Normal;
    }
}

internal sealed class ForStmt(Target target, Expr iterable, Expr? condition, List<Stmt> body, List<Stmt>? otherwise,
    int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        IReadOnlyList<object?> items;
        var scope = new Frame(frame);
        try
        {
            items = Values.Iterate(iterable.Evaluate(frame));
            if (condition is not null)
            {
                var kept = new List<object?>(items.Count);
                var budget = RenderBudget.Current;
                foreach (var item in items)
                {
                    budget.Step();
                    scope.Clear();
                    target.Assign(scope, item);
                    if (Values.Truthy(condition.Evaluate(scope))) kept.Add(item);
                }
                items = kept;
            }
        }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }

        if (items.Count == 0)
            return otherwise is null ? Flow.Normal : RenderAll(otherwise, frame, output);

        var loop = new LoopContext(items, frame.Lookup("loop") is LoopContext outer ? outer.Depth0 + 1 : 0);
        var steps = RenderBudget.Current;
        for (int i = 0; i < items.Count; i++)
        {
            steps.Step(Line, Column);
            scope.Clear();
            loop.Index0 = i;
            scope.Set("loop", loop);
            try { target.Assign(scope, items[i]); }
            catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
            if (RenderAll(body, scope, output) == Flow.Break) break;
        }
        return Flow.Normal;
    }
}

internal sealed class LoopControlStmt(Flow flow, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output) => flow;
}

/// <summary>transformers' <c>{% generation %}</c> block: marks assistant text; renders its body unchanged.</summary>
internal sealed class GenerationStmt(List<Stmt> body, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output) => RenderAll(body, frame, output);
}

internal sealed class FilterBlockStmt(List<FilterExpr> filters, List<Stmt> body, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        var sb = new StringBuilder();
        var flow = RenderAll(body, frame, sb);
        try { output.Append(Values.Str(FilterExpr.ApplyChain(filters, sb.ToString(), frame))); }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
        CheckOutput(output);
        return flow;
    }
}

/// <summary>A parameter of a macro or call block, with its optional default.</summary>
internal sealed record Parameter(string Name, Expr? Default);

internal sealed class MacroStmt(string name, List<Parameter> parameters, List<Stmt> body, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        frame.Set(name, new Macro(name, parameters, body, frame));
        return Flow.Normal;
    }
}

internal sealed class CallBlockStmt(CallExpr call, List<Parameter> callerParameters, List<Stmt> body, int line, int column) : Stmt(line, column)
{
    public override Flow Render(Frame frame, StringBuilder output)
    {
        var caller = new Macro("caller", callerParameters, body, frame);
        try { output.Append(Values.Str(call.Invoke(frame, caller))); }
        catch (Exception e) when (NeedsLocation(e)) { throw Locate(e); }
        CheckOutput(output);
        return Flow.Normal;
    }
}

/// <summary>A macro value: binds arguments in a new scope over the scope it was defined in, renders its body.</summary>
internal sealed class Macro(string name, List<Parameter> parameters, List<Stmt> body, Frame closure) : JinjaCallable
{
    public override string Name => name;

    public override object? Invoke(CallArgs args) => Invoke(args, null);

    public object? Invoke(CallArgs args, JinjaCallable? caller)
    {
        var budget = RenderBudget.Current;
        budget.Step();
        budget.EnterCall();
        try { return InvokeCore(args, caller); }
        finally { budget.ExitCall(); }
    }

    private string InvokeCore(CallArgs args, JinjaCallable? caller)
    {
        var scope = new Frame(closure);
        var keywords = args.Keywords is null ? null : new Dictionary<string, object?>(args.Keywords);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (i < args.Positional.Count) scope.Set(p.Name, args.Positional[i]);
            else if (keywords is not null && keywords.Remove(p.Name, out var kv)) scope.Set(p.Name, kv);
            else if (p.Default is not null) scope.Set(p.Name, p.Default.Evaluate(scope));
            else scope.Set(p.Name, Undefined.WithHint($"parameter '{p.Name}' was not provided"));
        }
        var extra = new List<object?>();
        for (int i = parameters.Count; i < args.Positional.Count; i++) extra.Add(args.Positional[i]);
        scope.Set("varargs", extra);
        var kw = new OrderedDictionary<string, object?>();
        if (keywords is not null)
        {
            keywords.Remove("caller", out var explicitCaller);
            if (explicitCaller is JinjaCallable c) caller ??= c;
            foreach (var (k, v) in keywords) kw[k] = v;
        }
        scope.Set("kwargs", kw);
        if (caller is not null) scope.Set("caller", caller);
        var sb = new StringBuilder();
        Stmt.RenderAll(body, scope, sb);
        return sb.ToString();
    }
}
