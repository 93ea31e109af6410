using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja.Syntax;

/// <summary>An expression node; evaluates to a runtime value in a scope.</summary>
internal abstract class Expr(int line, int column)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    public abstract object? Evaluate(Frame frame);

    /// <summary>Evaluates, attaching this node's position to errors that have none yet.</summary>
    public object? EvaluateLocated(Frame frame)
    {
        try { return Evaluate(frame); }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
        catch (Exception e) when (e is not JinjaException) { throw new JinjaException(e.Message, Line, Column, e); }
    }
}

internal sealed class ConstExpr(object? value, int line, int column) : Expr(line, column)
{
    public object? Value { get; } = value;
    public override object? Evaluate(Frame frame) => Value;
}

internal sealed class NameExpr(string name, int line, int column) : Expr(line, column)
{
    public string Name { get; } = name;
    public override object? Evaluate(Frame frame) => frame.Lookup(Name);
}

internal sealed class ListExpr(List<Expr> items, bool isTuple, int line, int column) : Expr(line, column)
{
    public List<Expr> Items { get; } = items;
    public bool IsTuple { get; } = isTuple;

    public override object? Evaluate(Frame frame)
    {
        var list = IsTuple ? new PyTuple() : new List<object?>(Items.Count);
        foreach (var e in Items) list.Add(e.Evaluate(frame));
        return list;
    }
}

internal sealed class DictExpr(List<(Expr Key, Expr Value)> pairs, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        var d = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in pairs)
        {
            object? key = k.Evaluate(frame);
            if (key is not string s) throw new JinjaException($"dictionary keys must be strings here, got {Values.TypeName(key)}").At(k.Line, k.Column);
            d[s] = v.Evaluate(frame);
        }
        return d;
    }
}

internal sealed class AttrExpr(Expr target, string name, int line, int column) : Expr(line, column)
{
    public Expr Target { get; } = target;
    public string Name { get; } = name;

    public override object? Evaluate(Frame frame)
    {
        object? obj = Target.Evaluate(frame);
        if (obj is Undefined u) throw u.Fail().At(Line, Column);
        return Values.GetAttribute(obj, Name);
    }
}

internal sealed class ItemExpr(Expr target, Expr key, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? obj = target.Evaluate(frame);
        if (obj is Undefined u) throw u.Fail().At(Line, Column);
        return Values.GetItem(obj, key.Evaluate(frame));
    }
}

internal sealed class SliceExpr(Expr target, Expr? start, Expr? stop, Expr? step, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? obj = target.Evaluate(frame);
        try { return Values.Slice(obj, start?.Evaluate(frame), stop?.Evaluate(frame), step?.Evaluate(frame)); }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }
}

/// <summary>One argument at a call site: positional, <c>name=value</c>, <c>*seq</c> or <c>**mapping</c>.</summary>
internal sealed record Argument(string? Name, Expr Value, bool Star = false, bool DoubleStar = false);

internal static class Arguments
{
    public static CallArgs Evaluate(List<Argument> args, Frame frame)
    {
        if (args.Count == 0) return new CallArgs(new List<object?>(), null);
        var positional = new List<object?>(args.Count);
        Dictionary<string, object?>? keywords = null;
        foreach (var a in args)
        {
            object? v = a.Value.Evaluate(frame);
            if (a.Star) positional.AddRange(Values.Iterate(v));
            else if (a.DoubleStar)
            {
                if (v is not OrderedDictionary<string, object?> d) throw new JinjaException("argument after ** must be a mapping");
                keywords ??= new();
                foreach (var (k, x) in d) keywords[k] = x;
            }
            else if (a.Name is not null) (keywords ??= new())[a.Name] = v;
            else positional.Add(v);
        }
        return new CallArgs(positional, keywords);
    }
}

internal sealed class CallExpr(Expr callee, List<Argument> args, int line, int column) : Expr(line, column)
{
    public Expr Callee { get; } = callee;
    public List<Argument> Args { get; } = args;

    public override object? Evaluate(Frame frame) => Invoke(frame, caller: null);

    public object? Invoke(Frame frame, JinjaCallable? caller)
    {
        object? fn = Callee.Evaluate(frame);
        var callArgs = Arguments.Evaluate(Args, frame);
        try
        {
            return fn switch
            {
                Macro m => RenderBudget.Current.Built(m.Invoke(callArgs, caller)),
                JinjaCallable c => RenderBudget.Current.Built(c.Invoke(callArgs)),
                Undefined u => throw u.Fail(),
                _ => throw new JinjaException($"'{Values.TypeName(fn)}' object is not callable"),
            };
        }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }
}

internal sealed class FilterExpr(Expr? operand, string name, List<Argument> args, int line, int column) : Expr(line, column)
{
    public Expr? Operand { get; } = operand;

    public override object? Evaluate(Frame frame) => Apply(Operand!.Evaluate(frame), frame);

    public object? Apply(object? value, Frame frame)
    {
        var callArgs = Arguments.Evaluate(args, frame);
        try { return RenderBudget.Current.Built(Filters.Apply(name, value, callArgs)); }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }

    /// <summary>A filter chain over a placeholder operand (for <c>{% filter %}</c> and <c>{% set x | f %}</c>).</summary>
    public static object? ApplyChain(List<FilterExpr> chain, object? value, Frame frame)
    {
        foreach (var f in chain) value = f.Apply(value, frame);
        return value;
    }
}

internal sealed class TestExpr(Expr operand, string name, List<Argument> args, bool negated, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? value = operand.Evaluate(frame);
        var callArgs = Arguments.Evaluate(args, frame);
        try { return Tests.Apply(name, value, callArgs) != negated; }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }
}

internal sealed class NotExpr(Expr operand, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame) => !Values.Truthy(operand.Evaluate(frame));
}

internal sealed class NegExpr(Expr operand, bool negate, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? v = operand.Evaluate(frame);
        return v switch
        {
            long l => (object)(negate ? -l : l),
            double d => negate ? -d : d,
            bool b => negate ? -(b ? 1L : 0L) : (b ? 1L : 0L),
            Undefined u => throw u.Fail().At(Line, Column),
            _ => throw new JinjaException($"bad operand type for unary {(negate ? "-" : "+")}: '{Values.TypeName(v)}'").At(Line, Column),
        };
    }
}

internal sealed class AndExpr(Expr left, Expr right, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? l = left.Evaluate(frame);
        return Values.Truthy(l) ? right.Evaluate(frame) : l;
    }
}

internal sealed class OrExpr(Expr left, Expr right, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? l = left.Evaluate(frame);
        return Values.Truthy(l) ? l : right.Evaluate(frame);
    }
}

internal sealed class BinaryExpr(string op, Expr left, Expr right, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? l = left.Evaluate(frame), r = right.Evaluate(frame);
        try { return RenderBudget.Current.Built(Operators.Binary(op, l, r)); }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }
}

/// <summary><c>a ~ b ~ c</c>: string concatenation of each operand's <c>str()</c>.</summary>
internal sealed class ConcatExpr(List<Expr> parts, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        var sb = new System.Text.StringBuilder();
        var budget = RenderBudget.Current;
        foreach (var p in parts)
        {
            sb.Append(Values.Str(p.Evaluate(frame)));
            try { budget.CheckSize(sb.Length); }
            catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
        }
        try { budget.Built(sb.Length); }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
        return sb.ToString();
    }
}

/// <summary>Chained comparison <c>a &lt; b &lt;= c</c>, Python style.</summary>
internal sealed class CompareExpr(Expr first, List<(string Op, Expr Operand)> rest, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame)
    {
        object? left = first.Evaluate(frame);
        try
        {
            foreach (var (op, operand) in rest)
            {
                object? right = operand.Evaluate(frame);
                if (!Operators.Compare(op, left, right)) return false;
                left = right;
            }
            return true;
        }
        catch (JinjaException e) when (!e.HasLocation) { throw e.At(Line, Column); }
    }
}

internal sealed class CondExpr(Expr test, Expr then, Expr? otherwise, int line, int column) : Expr(line, column)
{
    public override object? Evaluate(Frame frame) =>
        Values.Truthy(test.Evaluate(frame)) ? then.Evaluate(frame)
        : otherwise is null ? Undefined.WithHint("the inline if-expression evaluated to false and no else section was defined.")
        : otherwise.Evaluate(frame);
}
