using System.Globalization;
using DeclarativeSft.Jinja.Lexing;
using DeclarativeSft.Jinja.Runtime;

namespace DeclarativeSft.Jinja.Syntax;

/// <summary>Recursive-descent parser following Jinja2's grammar and operator precedence.</summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly JinjaLimits _limits;
    private readonly string? _name;
    private int _pos;
    private int _depth;

    private Parser(List<Token> tokens, JinjaLimits limits, string? name) { _tokens = tokens; _limits = limits; _name = name; }

    public static List<Stmt> Parse(List<Token> tokens, JinjaLimits? limits = null, string? name = null)
    {
        var p = new Parser(tokens, limits ?? JinjaLimits.Default, name);
        var body = p.ParseBody(null, Array.Empty<string>());
        if (p.Cur.Kind != TokenKind.Eof) throw Error($"unexpected {p.Cur}", p.Cur);
        return body;
    }

    private Token Cur => _tokens[_pos];
    private Token Peek(int n = 1) => _tokens[Math.Min(_pos + n, _tokens.Count - 1)];
    private Token Next() => _tokens[_pos++];

    private static JinjaException Error(string message, Token at) => new(message, at.Line, at.Column);

    /// <summary>One level deeper (a block, or a nested expression): bounded by <see cref="JinjaLimits.MaxNestingDepth"/>
    /// so that a template nested 50,000 deep is an error, not a stack overflow. Pair with <see cref="Leave"/>.</summary>
    private void Enter(Token at)
    {
        if (++_depth > _limits.MaxNestingDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw JinjaLimitException.Create(_name, "nests blocks and expressions (brackets, calls, not, signs, inline ifs)",
                "MaxNestingDepth", _limits.MaxNestingDepth,
                "Real chat templates nest a few levels; this one is malformed or hostile. Fix the template or use a named template.format.",
                at.Line, at.Column);
    }

    private void Leave() => _depth--;

    private Token ExpectOp(string op)
    {
        if (!Cur.IsOperator(op)) throw Error($"expected '{op}', got {Cur}", Cur);
        return Next();
    }

    private Token ExpectKind(TokenKind kind, string what)
    {
        if (Cur.Kind != kind) throw Error($"expected {what}, got {Cur}", Cur);
        return Next();
    }

    private void ExpectName(string name)
    {
        if (!Cur.IsName(name)) throw Error($"expected '{name}', got {Cur}", Cur);
        Next();
    }

    private bool SkipOp(string op)
    {
        if (!Cur.IsOperator(op)) return false;
        _pos++;
        return true;
    }

    private bool AtBlock(params string[] names) =>
        Cur.Kind == TokenKind.BlockBegin && Peek().Kind == TokenKind.Name && names.Contains(Peek().Value);

    /// <summary>Parses statements until one of <paramref name="endTags"/> (not consumed) or the end of input.</summary>
    private List<Stmt> ParseBody(Token? opener, string[] endTags)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Cur;
            switch (t.Kind)
            {
                case TokenKind.Eof:
                    if (endTags.Length > 0)
                        throw Error($"unexpected end of template: the '{opener?.Value}' block opened here was never closed " +
                                    $"(expected {string.Join(" or ", endTags.Select(e => $"'{{% {e} %}}'"))})", opener ?? t);
                    return body;
                case TokenKind.Text:
                    body.Add(new TextStmt(t.Value, t.Line, t.Column));
                    Next();
                    break;
                case TokenKind.VariableBegin:
                    {
                        Next();
                        var expr = ParseTuple(withCondExpr: true);
                        ExpectKind(TokenKind.VariableEnd, "'}}'");
                        body.Add(new OutputStmt(expr, t.Line, t.Column));
                        break;
                    }
                case TokenKind.BlockBegin:
                    if (AtBlock(endTags)) return body;
                    body.Add(ParseStatement());
                    break;
                default:
                    throw Error($"unexpected {t}", t);
            }
        }
    }

    private Stmt ParseStatement()
    {
        Enter(Cur);
        try { return ParseStatementCore(); }
        finally { Leave(); }
    }

    private Stmt ParseStatementCore()
    {
        var begin = Next();
        var tag = ExpectKind(TokenKind.Name, "a tag name");
        switch (tag.Value)
        {
            case "for": return ParseFor(tag);
            case "if": return ParseIf(tag);
            case "set": return ParseSet(tag);
            case "macro": return ParseMacro(tag);
            case "call": return ParseCallBlock(tag);
            case "filter": return ParseFilterBlock(tag);
            case "generation":
                {
                    ExpectKind(TokenKind.BlockEnd, "'%}'");
                    var body = ParseBody(tag, ["endgeneration"]);
                    EndTag("endgeneration");
                    return new GenerationStmt(body, tag.Line, tag.Column);
                }
            case "break" or "continue":
                ExpectKind(TokenKind.BlockEnd, "'%}'");
                return new LoopControlStmt(tag.Value == "break" ? Flow.Break : Flow.Continue, tag.Line, tag.Column);
            default:
                throw Error(tag.Value.StartsWith("end", StringComparison.Ordinal) || tag.Value is "else" or "elif"
                    ? $"unexpected '{{% {tag.Value} %}}' with no block to close"
                    : $"unknown tag '{tag.Value}'", tag);
        }
    }

    private void EndTag(string name)
    {
        ExpectKind(TokenKind.BlockBegin, "'{%'");
        ExpectName(name);
        ExpectKind(TokenKind.BlockEnd, "'%}'");
    }

    private Stmt ParseFor(Token tag)
    {
        var target = ParseAssignTarget(allowNamespace: false);
        ExpectName("in");
        var iterable = ParseTuple(withCondExpr: false, stopAtNames: ["recursive"]);
        Expr? condition = null;
        if (Cur.IsName("if")) { Next(); condition = ParseExpression(); }
        if (Cur.IsName("recursive")) throw Error("recursive for-loops are not supported", Cur);
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        var body = ParseBody(tag, ["endfor", "else"]);
        List<Stmt>? otherwise = null;
        if (AtBlock("else"))
        {
            Next(); Next();
            ExpectKind(TokenKind.BlockEnd, "'%}'");
            otherwise = ParseBody(tag, ["endfor"]);
        }
        EndTag("endfor");
        return new ForStmt(target, iterable, condition, body, otherwise, tag.Line, tag.Column);
    }

    private Stmt ParseIf(Token tag)
    {
        var branches = new List<(Expr, List<Stmt>)>();
        List<Stmt>? otherwise = null;
        var test = ParseTuple(withCondExpr: false);
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        while (true)
        {
            var body = ParseBody(tag, ["elif", "else", "endif"]);
            branches.Add((test, body));
            if (AtBlock("elif"))
            {
                Next(); Next();
                test = ParseTuple(withCondExpr: false);
                ExpectKind(TokenKind.BlockEnd, "'%}'");
                continue;
            }
            if (AtBlock("else"))
            {
                Next(); Next();
                ExpectKind(TokenKind.BlockEnd, "'%}'");
                otherwise = ParseBody(tag, ["endif"]);
            }
            break;
        }
        EndTag("endif");
        return new IfStmt(branches, otherwise, tag.Line, tag.Column);
    }

    private Stmt ParseSet(Token tag)
    {
        var target = ParseAssignTarget(allowNamespace: true);
        if (SkipOp("="))
        {
            var value = ParseTuple(withCondExpr: true);
            ExpectKind(TokenKind.BlockEnd, "'%}'");
            return new SetStmt(target, value, tag.Line, tag.Column);
        }
        var filters = ParseFilterChain();
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        var body = ParseBody(tag, ["endset"]);
        EndTag("endset");
        return new SetBlockStmt(target, body, filters, tag.Line, tag.Column);
    }

    private List<FilterExpr> ParseFilterChain()
    {
        var filters = new List<FilterExpr>();
        while (SkipOp("|")) filters.Add(ParseFilter(null));
        return filters;
    }

    private Target ParseAssignTarget(bool allowNamespace)
    {
        var items = new List<Target>();
        bool parens = SkipOp("(");
        bool isTuple = parens;
        while (true)
        {
            var name = ExpectKind(TokenKind.Name, "a variable name");
            if (allowNamespace && Cur.IsOperator("."))
            {
                Next();
                var attr = ExpectKind(TokenKind.Name, "an attribute name");
                items.Add(new NamespaceTarget(name.Value, attr.Value));
            }
            else
            {
                if (name.Value is "true" or "false" or "none" or "True" or "False" or "None")
                    throw Error($"cannot assign to '{name.Value}'", name);
                items.Add(new NameTarget(name.Value));
            }
            if (!SkipOp(",")) break;
            isTuple = true;
            if (Cur.Kind != TokenKind.Name) break;
        }
        if (parens) ExpectOp(")");
        return isTuple ? new TupleTarget(items) : items[0];
    }

    private List<Parameter> ParseParameters()
    {
        var parameters = new List<Parameter>();
        ExpectOp("(");
        while (!Cur.IsOperator(")"))
        {
            if (parameters.Count > 0) ExpectOp(",");
            if (Cur.IsOperator(")")) break;
            var name = ExpectKind(TokenKind.Name, "a parameter name");
            Expr? def = null;
            if (SkipOp("=")) def = ParseExpression();
            else if (parameters.Count > 0 && parameters[^1].Default is not null)
                throw Error("non-default argument follows default argument", name);
            parameters.Add(new Parameter(name.Value, def));
        }
        ExpectOp(")");
        return parameters;
    }

    private Stmt ParseMacro(Token tag)
    {
        var name = ExpectKind(TokenKind.Name, "a macro name");
        var parameters = ParseParameters();
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        var body = ParseBody(tag, ["endmacro"]);
        EndTag("endmacro");
        return new MacroStmt(name.Value, parameters, body, tag.Line, tag.Column);
    }

    private Stmt ParseCallBlock(Token tag)
    {
        var callerParameters = Cur.IsOperator("(") ? ParseParameters() : new List<Parameter>();
        var expr = ParseExpression();
        if (expr is not CallExpr call) throw Error("expected a macro call after 'call'", tag);
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        var body = ParseBody(tag, ["endcall"]);
        EndTag("endcall");
        return new CallBlockStmt(call, callerParameters, body, tag.Line, tag.Column);
    }

    private Stmt ParseFilterBlock(Token tag)
    {
        var filters = new List<FilterExpr> { ParseFilter(null) };
        filters.AddRange(ParseFilterChain());
        ExpectKind(TokenKind.BlockEnd, "'%}'");
        var body = ParseBody(tag, ["endfilter"]);
        EndTag("endfilter");
        return new FilterBlockStmt(filters, body, tag.Line, tag.Column);
    }

    // ---- expressions ----

    private bool IsTupleEnd(string[]? stopAtNames) =>
        Cur.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.Eof || Cur.IsOperator(")")
        || (stopAtNames is not null && Cur.Kind == TokenKind.Name && stopAtNames.Contains(Cur.Value));

    private Expr ParseTuple(bool withCondExpr, string[]? stopAtNames = null, bool explicitParens = false)
    {
        var start = Cur;
        var items = new List<Expr>();
        bool isTuple = false;
        while (true)
        {
            if (items.Count > 0) ExpectOp(",");
            if (IsTupleEnd(stopAtNames)) break;
            items.Add(withCondExpr ? ParseExpression() : ParseOr());
            if (Cur.IsOperator(",")) isTuple = true;
            else break;
        }
        if (!isTuple)
        {
            if (items.Count > 0) return items[0];
            if (!explicitParens) throw Error($"expected an expression, got {Cur}", Cur);
        }
        return new ListExpr(items, isTuple: true, start.Line, start.Column);
    }

    private Expr ParseExpression()
    {
        Enter(Cur);
        try { return ParseExpressionCore(); }
        finally { Leave(); }
    }

    private Expr ParseExpressionCore()
    {
        var expr = ParseOr();
        while (Cur.IsName("if"))
        {
            var t = Next();
            var test = ParseOr();
            Expr? otherwise = null;
            if (Cur.IsName("else")) { Next(); otherwise = ParseExpression(); }
            expr = new CondExpr(test, expr, otherwise, t.Line, t.Column);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Cur.IsName("or")) { var t = Next(); left = new OrExpr(left, ParseAnd(), t.Line, t.Column); }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Cur.IsName("and")) { var t = Next(); left = new AndExpr(left, ParseNot(), t.Line, t.Column); }
        return left;
    }

    private Expr ParseNot()
    {
        if (Cur.IsName("not"))
        {
            var t = Next();
            Enter(t);
            try { return new NotExpr(ParseNot(), t.Line, t.Column); }
            finally { Leave(); }
        }
        return ParseCompare();
    }

    private static readonly string[] CompareOps = ["==", "!=", "<", ">", "<=", ">="];

    private Expr ParseCompare()
    {
        var start = Cur;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Cur.Kind == TokenKind.Operator && CompareOps.Contains(Cur.Value)) { var op = Next().Value; rest.Add((op, ParseMath1())); }
            else if (Cur.IsName("in")) { Next(); rest.Add(("in", ParseMath1())); }
            else if (Cur.IsName("not") && Peek().IsName("in")) { Next(); Next(); rest.Add(("notin", ParseMath1())); }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first, rest, start.Line, start.Column);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Cur.IsOperator("+") || Cur.IsOperator("-"))
        {
            var t = Next();
            left = new BinaryExpr(t.Value, left, ParseConcat(), t.Line, t.Column);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var start = Cur;
        var parts = new List<Expr> { ParseMath2() };
        while (SkipOp("~")) parts.Add(ParseMath2());
        return parts.Count == 1 ? parts[0] : new ConcatExpr(parts, start.Line, start.Column);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Cur.Kind == TokenKind.Operator && Cur.Value is "*" or "/" or "//" or "%")
        {
            var t = Next();
            left = new BinaryExpr(t.Value, left, ParsePow(), t.Line, t.Column);
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Cur.IsOperator("**"))
        {
            var t = Next();
            left = new BinaryExpr("**", left, ParseUnary(withFilter: true), t.Line, t.Column);
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Expr node;
        var t = Cur;
        if (t.IsOperator("-") || t.IsOperator("+"))
        {
            Next();
            Enter(t);
            try { node = new NegExpr(ParseUnary(withFilter: false), t.Value == "-", t.Line, t.Column); }
            finally { Leave(); }
        }
        else node = ParsePostfix(ParsePrimary());
        return withFilter ? ParseFilterExpr(node) : node;
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(true, t.Line, t.Column),
                    "false" or "False" => new ConstExpr(false, t.Line, t.Column),
                    "none" or "None" => new ConstExpr(null, t.Line, t.Column),
                    _ => new NameExpr(t.Value, t.Line, t.Column),
                };
            case TokenKind.String:
                {
                    string s = t.Value;
                    while (Cur.Kind == TokenKind.String) s += Next().Value;
                    return new ConstExpr(s, t.Line, t.Column);
                }
            case TokenKind.Integer:
                if (!long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long l))
                    throw Error($"integer literal {t.Value} is too large", t);
                return new ConstExpr(l, t.Line, t.Column);
            case TokenKind.Float:
                return new ConstExpr(double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture), t.Line, t.Column);
            case TokenKind.Operator when t.Value == "(":
                {
                    var e = ParseTuple(withCondExpr: true, explicitParens: true);
                    ExpectOp(")");
                    return e;
                }
            case TokenKind.Operator when t.Value == "[":
                {
                    var items = new List<Expr>();
                    while (!Cur.IsOperator("]"))
                    {
                        if (items.Count > 0) ExpectOp(",");
                        if (Cur.IsOperator("]")) break;
                        items.Add(ParseExpression());
                    }
                    ExpectOp("]");
                    return new ListExpr(items, isTuple: false, t.Line, t.Column);
                }
            case TokenKind.Operator when t.Value == "{":
                {
                    var pairs = new List<(Expr, Expr)>();
                    while (!Cur.IsOperator("}"))
                    {
                        if (pairs.Count > 0) ExpectOp(",");
                        if (Cur.IsOperator("}")) break;
                        var key = ParseExpression();
                        ExpectOp(":");
                        pairs.Add((key, ParseExpression()));
                    }
                    ExpectOp("}");
                    return new DictExpr(pairs, t.Line, t.Column);
                }
        }
        throw Error($"unexpected {t}", t);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = Cur;
            if (t.IsOperator("."))
            {
                Next();
                var attr = Next();
                if (attr.Kind == TokenKind.Name) node = new AttrExpr(node, attr.Value, attr.Line, attr.Column);
                else if (attr.Kind == TokenKind.Integer)
                    node = new ItemExpr(node, new ConstExpr(long.Parse(attr.Value, CultureInfo.InvariantCulture), attr.Line, attr.Column), attr.Line, attr.Column);
                else throw Error($"expected an attribute name after '.', got {attr}", attr);
            }
            else if (t.IsOperator("["))
            {
                Next();
                node = ParseSubscript(node, t);
                ExpectOp("]");
            }
            else if (t.IsOperator("("))
            {
                node = new CallExpr(node, ParseCallArguments(), t.Line, t.Column);
            }
            else return node;
        }
    }

    private Expr ParseSubscript(Expr target, Token open)
    {
        Expr? start = null;
        if (!Cur.IsOperator(":"))
        {
            start = ParseExpression();
            if (!Cur.IsOperator(":")) return new ItemExpr(target, start, open.Line, open.Column);
        }
        Next(); // ':'
        Expr? stop = null, step = null;
        if (!Cur.IsOperator("]") && !Cur.IsOperator(":")) stop = ParseExpression();
        if (SkipOp(":") && !Cur.IsOperator("]")) step = ParseExpression();
        return new SliceExpr(target, start, stop, step, open.Line, open.Column);
    }

    private List<Argument> ParseCallArguments()
    {
        ExpectOp("(");
        var args = new List<Argument>();
        while (!Cur.IsOperator(")"))
        {
            if (args.Count > 0) ExpectOp(",");
            if (Cur.IsOperator(")")) break;
            if (SkipOp("**")) args.Add(new Argument(null, ParseExpression(), DoubleStar: true));
            else if (SkipOp("*")) args.Add(new Argument(null, ParseExpression(), Star: true));
            else if (Cur.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                string name = Next().Value;
                Next();
                args.Add(new Argument(name, ParseExpression()));
            }
            else
            {
                if (args.Count > 0 && args[^1].Name is not null)
                    throw Error("positional argument follows keyword argument", Cur);
                args.Add(new Argument(null, ParseExpression()));
            }
        }
        ExpectOp(")");
        return args;
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Cur.IsOperator("|")) { Next(); node = ParseFilter(node); }
            else if (Cur.IsName("is")) node = ParseTest(node);
            else if (Cur.IsOperator("(")) { var t = Cur; node = new CallExpr(node, ParseCallArguments(), t.Line, t.Column); }
            else return node;
        }
    }

    private FilterExpr ParseFilter(Expr? operand)
    {
        var name = ExpectKind(TokenKind.Name, "a filter name");
        string full = name.Value;
        while (Cur.IsOperator(".")) { Next(); full += "." + ExpectKind(TokenKind.Name, "a filter name").Value; }
        if (!Filters.Exists(full)) throw Error($"no filter named '{full}'", name);
        var args = Cur.IsOperator("(") ? ParseCallArguments() : new List<Argument>();
        return new FilterExpr(operand, full, args, name.Line, name.Column);
    }

    private Expr ParseTest(Expr operand)
    {
        var isTok = Next();
        bool negated = false;
        if (Cur.IsName("not")) { Next(); negated = true; }
        var name = Next();
        string test = name.Kind switch
        {
            TokenKind.Name => name.Value,
            TokenKind.Operator when name.Value is "==" or "!=" or "<" or ">" or "<=" or ">=" => name.Value,
            _ => throw Error($"expected a test name after 'is', got {name}", name),
        };
        if (test is "none" or "true" or "false" or "True" or "False" or "None") test = test.ToLowerInvariant();
        if (!Tests.Exists(test)) throw Error($"no test named '{test}'", name);
        var args = new List<Argument>();
        if (Cur.IsOperator("(")) args = ParseCallArguments();
        else if ((Cur.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                  || Cur.IsOperator("[") || Cur.IsOperator("{") || Cur.IsOperator("-"))
                 && !Cur.IsName("else") && !Cur.IsName("or") && !Cur.IsName("and") && !Cur.IsName("if") && !Cur.IsName("in")
                 && !Cur.IsName("is") && !Cur.IsName("not"))
        {
            args.Add(new Argument(null, ParsePostfix(ParseUnaryForTestArgument())));
        }
        return new TestExpr(operand, test, args, negated, isTok.Line, isTok.Column);
    }

    private Expr ParseUnaryForTestArgument()
    {
        if (Cur.IsOperator("-")) { var t = Next(); return new NegExpr(ParsePrimary(), true, t.Line, t.Column); }
        return ParsePrimary();
    }
}
