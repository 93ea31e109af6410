namespace DeclarativeSft.Jinja.Lexing;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    Eof,
}

/// <summary>One lexical token with its 1-based source position.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Line, int Column)
{
    public bool IsOperator(string op) => Kind == TokenKind.Operator && Value == op;
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "end of template",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
