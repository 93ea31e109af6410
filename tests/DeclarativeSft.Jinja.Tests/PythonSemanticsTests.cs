namespace DeclarativeSft.Jinja.Tests;

/// <summary>
/// Behaviour where @huggingface/jinja 0.5.11 departs from Python Jinja2 (which transformers runs when the model's
/// training data was formatted) or lacks the feature: booleans print as True/False, None as None, lists as Python
/// reprs, str.strip(chars) honours its argument, etc. Each expected string was produced by Python Jinja2 3.1.6 in an
/// ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with transformers' tojson — not by this code.
/// </summary>
public class PythonSemanticsTests
{
    private const string Ctx = """
        {"messages": [{"role": "system", "content": "Sys"}, {"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello"}],
         "xs": [3, 1, 2], "words": ["b", "A", "c", "a"], "d": {"b": 2, "a": 1, "c": 3}, "s": "  Hello World  ", "n": 7, "f": 2.5, "nothing": null, "flag": true, "empty": [],
         "users": [{"name": "Ann", "age": 30, "admin": true}, {"name": "bob", "age": 25, "admin": false}]}
        """;

    [Theory]
    [InlineData("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}")]
    [InlineData("{{ 'ab' * 3 }}", "ababab")]
    [InlineData("{{ 1 < 2 }}|{{ 'a' < 'b' }}|{{ 1 == 1.0 }}|{{ 'B' < 'a' }}", "True|True|True|True")]
    [InlineData("{{ flag }}{{ not flag }}{{ nothing }}{{ xs }}{{ d }}{{ ['it''s', \"q\"] }}{{ (1, 'a') }}", "TrueFalseNone[3, 1, 2]{'b': 2, 'a': 1, 'c': 3}['its', 'q'](1, 'a')")]
    [InlineData("{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}", "TrueFalse")]
    [InlineData("{{ 3 is equalto 3 }}{{ 4 is divisibleby 2 }}{{ n is sameas 7 }}", "TrueTrueTrue")]
    [InlineData("{{ xs|count }}{{ 'abc'|first }}{{ 'abc'|last }}{{ missing|d('short') }}", "3acshort")]
    [InlineData("{{ 'hello World'|capitalize }}|{{ 'hello WORLD'.capitalize() }}|{{ \"they're bill's\"|title }}|{{ \"they're bill's\".title() }}", "Hello world|Hello world|They're Bill's|They'Re Bill'S")]
    [InlineData("{{ 'a b  c\td'|wordcount }}{{ 3.7|round }}{{ 2.5|round }}{{ 3.14159|round(2) }}{{ 3.1|round(0, 'ceil') }}", "44.02.03.144.0")]
    [InlineData("[{{ '\n\n  x  \n'.lstrip('\n') }}][{{ 'xxhixx'.strip('x') }}][{{ '  y\n'.rstrip('\n') }}]", "[  x  \n][hi][  y]")]
    [InlineData("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 1e20 }} {{ 1e-5 }} {{ 0.0001 }} {{ 1e16 }} {{ 123456789012345.0 }}", "3 -4 2 3.5 2.0 1e+20 1e-05 0.0001 1e+16 123456789012345.0")]
    [InlineData("{{ xs|tojson }}{{ 2.0|tojson }}{{ {'a': [1, 2.5, none, true]}|tojson(indent=2) }}", "[3, 1, 2]2.0{\n  \"a\": [\n    1,\n    2.5,\n    null,\n    true\n  ]\n}")]
    [InlineData("{% set c = 0 %}{% for i in xs %}{% set c = c + 1 %}{{ c }}{% endfor %}{{ c }}", "1110")]
    [InlineData("{% for c in 'héllo' %}{{ c }}.{% endfor %}{{ 'héllo'|length }}", "h.é.l.l.o.5")]
    [InlineData("{{ '%s-%05.2f-%d'|format('a', 2.5, 3) }}|{{ '{}+{}={total}'.format(1, 2, total=3) }}", "a-02.50-3|1+2=3")]
    [InlineData("{{ xs|sum }}{{ xs|max }}{{ xs|min }}{{ words|unique|list }}{{ words|sort(case_sensitive=true)|join }}", "631['b', 'A', 'c']Aabc")]
    [InlineData("{{ users|map('tojson')|join(',') }}", "{\"name\": \"Ann\", \"age\": 30, \"admin\": true},{\"name\": \"bob\", \"age\": 25, \"admin\": false}")]
    [InlineData("{% for k, v in d|dictsort(reverse=true) %}{{ k }}{% endfor %}{{ d|dictsort(by='value')|first }}", "cba('a', 1)")]
    [InlineData("{{ 'a\\nb'.splitlines() }}{{ 'a:b:c'.rsplit(':', 1) }}{{ 'x'.join(['1','2']) }}", "['a', 'b']['a:b', 'c']1x2")]
    [InlineData("{{ [] is iterable }}{{ 'x' is iterable }}{{ none is none }}{{ none is string }}", "TrueTrueTrueFalse")]
    [InlineData("{{ 'abc' ~ none ~ 1.0 ~ true }}", "abcNone1.0True")]
    [InlineData("{{ 'a' if false }}|{{ (1, 2)|list }}|{{ 'é'|tojson }}|{{ 'é'|tojson(ensure_ascii=true) }}", "|[1, 2]|\"é\"|\"\\u00e9\"")]
    [InlineData("{% for x in [1, 2] %}{{ loop.cycle('odd', 'even') }}{% endfor %}", "oddeven")]
    [InlineData("{{ 'Hello'|indent(4, first=true) }}|{{ 'a\n\nb'|indent(2, blank=true) }}", "    Hello|a\n  \n  b")]
    public void RendersLikePythonJinja2(string template, string expected)
    {
        var variables = LanguageParityTests.JsonDocumentToVariables(Ctx);
        Assert.Equal(expected, JinjaTemplate.Parse(template).Render(variables));
    }

    [Theory]
    [InlineData("{{ undefined_thing.attr }}", "'undefined_thing' is undefined")]
    [InlineData("{{ d.nope.x }}", "'dict object' has no attribute 'nope'")]
    [InlineData("{{ 1 + 'a' }}", "unsupported operand type(s) for +: 'int' and 'str'")]
    [InlineData("{{ 'a' in none }}", "argument of type 'NoneType' is not iterable")]
    public void Raises_like_Python_Jinja2(string template, string reason)
    {
        var variables = LanguageParityTests.JsonDocumentToVariables(Ctx);
        var e = Assert.ThrowsAny<JinjaException>(() => JinjaTemplate.Parse(template).Render(variables));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(1, e.TemplateLine);
    }

    /// <summary>
    /// Qwen3's template strips the final answer with <c>content.lstrip('\n')</c>. Python keeps leading spaces; the JS
    /// oracle strips all whitespace. Training data must follow Python (transformers), so we do.
    /// </summary>
    [Fact]
    public void Qwen3_keeps_leading_spaces_of_the_final_answer_like_transformers()
    {
        var template = HfChatTemplate.FromTokenizerConfig(ChatTemplateParityTests.ConfigPath("qwen3"));
        string text = template.Render([new ChatTurn("user", "q"), new ChatTurn("assistant", "\n  indented answer")], false);
        Assert.Equal("<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n  indented answer<|im_end|>\n", text);
    }
}
