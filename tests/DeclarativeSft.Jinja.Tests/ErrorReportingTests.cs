namespace DeclarativeSft.Jinja.Tests;

/// <summary>Template errors name what is wrong and where (1-based line and column of the offending tag).</summary>
public class ErrorReportingTests
{
    [Theory]
    [InlineData("line one\n{% if x %}\nno end", 2, "never closed")]
    [InlineData("{% for x in xs %}{% endif %}", 1, "endif")]
    [InlineData("a\nb\n{{ 1 + }}", 3, "unexpected '}}'")]
    [InlineData("{% frobnicate %}", 1, "unknown tag 'frobnicate'")]
    [InlineData("{{ x | nosuchfilter }}", 1, "no filter named 'nosuchfilter'")]
    [InlineData("{% if x is nosuchtest %}{% endif %}", 1, "no test named 'nosuchtest'")]
    [InlineData("ok\n\n  {{ 'unterminated }}", 3, "Unterminated string")]
    [InlineData("{# never closed", 1, "comment")]
    public void Syntax_errors_carry_line(string template, int line, string fragment)
    {
        var e = Assert.ThrowsAny<JinjaException>(() => JinjaTemplate.Parse(template));
        Assert.Equal(line, e.TemplateLine);
        Assert.True(e.TemplateColumn > 0);
        Assert.Contains(fragment, e.Message);
        Assert.Contains($"template line {line}", e.Message);
    }

    [Fact]
    public void Runtime_errors_carry_line_and_column()
    {
        var t = JinjaTemplate.Parse("first\n  {{ messages[0].content.nope() }}");
        var e = Assert.ThrowsAny<JinjaException>(() => t.Render(new Dictionary<string, object?>
        {
            ["messages"] = new[] { new ChatTurn("user", "hi") },
        }));
        Assert.Equal(2, e.TemplateLine);
        Assert.Equal("'str object' has no attribute 'nope'", e.Reason);
    }

    [Fact]
    public void Raise_exception_keeps_the_templates_message_and_position()
    {
        var t = JinjaTemplate.Parse("{% for m in messages %}\n{% if m.role not in ['user', 'assistant'] %}\n    {{ raise_exception('Unsupported role: ' ~ m.role) }}\n{% endif %}\n{% endfor %}");
        var e = Assert.ThrowsAny<JinjaException>(() => t.Render(new Dictionary<string, object?>
        {
            ["messages"] = new[] { new ChatTurn("user", "a"), new ChatTurn("robot", "b") },
        }));
        Assert.Equal("Unsupported role: robot", e.Reason);
        Assert.True(e.RaisedByTemplate);
        Assert.Equal(3, e.TemplateLine);
    }

    [Fact]
    public void Undefined_renders_empty_but_fails_when_used()
    {
        Assert.Equal("[]", JinjaTemplate.Parse("[{{ nope }}]").Render());
        Assert.Equal("no", JinjaTemplate.Parse("{% if nope %}yes{% else %}no{% endif %}").Render());
        Assert.Equal("0", JinjaTemplate.Parse("{{ nope|length }}").Render());
        Assert.Equal("", JinjaTemplate.Parse("{% for x in nope %}x{% endfor %}").Render());
        var e = Assert.ThrowsAny<JinjaException>(() => JinjaTemplate.Parse("{{ nope + 1 }}").Render());
        Assert.Equal("'nope' is undefined", e.Reason);
    }
}
