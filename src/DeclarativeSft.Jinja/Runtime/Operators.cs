using System.Text;

namespace DeclarativeSft.Jinja.Runtime;

/// <summary>Python's arithmetic and comparison operators over runtime values.</summary>
internal static class Operators
{
    public static object? Binary(string op, object? l, object? r)
    {
        if (l is Undefined u) throw u.Fail();
        if (r is Undefined u2) throw u2.Fail();
        if (Values.IsNumber(l) && Values.IsNumber(r))
        {
            bool isFloat = l is double || r is double;
            if (!isFloat)
            {
                long a = AsLong(l), b = AsLong(r);
                switch (op)
                {
                    case "+": return a + b;
                    case "-": return a - b;
                    case "*": return a * b;
                    case "/":
                        if (b == 0) throw new JinjaException("division by zero");
                        return (double)a / b;
                    case "//":
                        if (b == 0) throw new JinjaException("integer division or modulo by zero");
                        return FloorDiv(a, b);
                    case "%":
                        if (b == 0) throw new JinjaException("integer division or modulo by zero");
                        return a - b * FloorDiv(a, b);
                    case "**":
                        if (b >= 0) { long p = 1; for (long i = 0; i < b; i++) p = checked(p * a); return p; }
                        if (a == 0) throw new JinjaException("0.0 cannot be raised to a negative power");
                        return Math.Pow(a, b);
                }
            }
            else
            {
                double a = Values.ToDouble(l), b = Values.ToDouble(r);
                switch (op)
                {
                    case "+": return a + b;
                    case "-": return a - b;
                    case "*": return a * b;
                    case "/":
                        if (b == 0) throw new JinjaException("float division by zero");
                        return a / b;
                    case "//":
                        if (b == 0) throw new JinjaException("float floor division by zero");
                        return Math.Floor(a / b);
                    case "%":
                        if (b == 0) throw new JinjaException("float modulo");
                        { double m = a % b; return m != 0 && (m < 0) != (b < 0) ? m + b : m; }
                    case "**": return Math.Pow(a, b);
                }
            }
        }
        switch (op)
        {
            case "+" when l is string s && r is string t: return s + t;
            case "+" when l is List<object?> x && r is List<object?> y:
                {
                    var list = l is PyTuple && r is PyTuple ? new PyTuple(x) : new List<object?>(x);
                    list.AddRange(y);
                    return list;
                }
            case "*" when l is string s && r is long or bool: return Repeat(s, AsLong(r));
            case "*" when r is string s && l is long or bool: return Repeat(s, AsLong(l));
            case "*" when l is List<object?> x && r is long n:
                {
                    RenderBudget.Current.CheckSize(RenderBudget.Times(x.Count, n));
                    var list = new List<object?>();
                    for (long i = 0; i < n; i++) list.AddRange(x);
                    return list;
                }
        }
        throw new JinjaException($"unsupported operand type(s) for {op}: '{Values.TypeName(l)}' and '{Values.TypeName(r)}'");
    }

    private static string Repeat(string s, long n)
    {
        if (n <= 0) return "";
        RenderBudget.Current.CheckSize(RenderBudget.Times(s.Length, n));
        var sb = new StringBuilder(s.Length * (int)n);
        for (long i = 0; i < n; i++) sb.Append(s);
        return sb.ToString();
    }

    private static long AsLong(object? v) => v switch { long l => l, bool b => b ? 1 : 0, _ => 0 };

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    public static bool Compare(string op, object? l, object? r) => op switch
    {
        "==" => Values.PyEquals(l, r),
        "!=" => !Values.PyEquals(l, r),
        "<" => Values.Compare(l, r) < 0,
        "<=" => Values.Compare(l, r) <= 0,
        ">" => Values.Compare(l, r) > 0,
        ">=" => Values.Compare(l, r) >= 0,
        "in" => Values.Contains(r, l),
        "notin" => !Values.Contains(r, l),
        _ => throw new JinjaException($"unknown comparison operator '{op}'"),
    };
}
