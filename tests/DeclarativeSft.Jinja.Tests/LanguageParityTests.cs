using System.Text.Json.Nodes;
using DeclarativeSft.Jinja.Tests.Oracle;

namespace DeclarativeSft.Jinja.Tests;

/// <summary>
/// A table of small templates covering each language feature, each rendered by us and by @huggingface/jinja (with
/// transformers' trim_blocks/lstrip_blocks) — the outputs must be identical. Cases where the JS oracle departs from
/// Python Jinja2 (which transformers runs) are in <see cref="PythonSemanticsTests"/> instead.
/// </summary>
public class LanguageParityTests
{
    private const string Ctx = """
        {"messages": [{"role": "system", "content": "Sys"}, {"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello"}],
         "xs": [3, 1, 2], "words": ["b", "A", "c", "a"], "d": {"b": 2, "a": 1, "c": 3}, "s": "  Hello World  ", "n": 7, "f": 2.5,
         "users": [{"name": "Ann", "age": 30, "admin": true}, {"name": "bob", "age": 25, "admin": false}, {"name": "Cy", "age": 35, "admin": true}],
         "empty": [], "nothing": null, "flag": true, "text": "line1\nline2\n\nline4", "nested": {"a": {"b": {"c": "deep"}}}}
        """;

    public static readonly string[] Cases =
    [
        // output, text, comments, whitespace control
        "plain text only",
        "{{ 'a' }}{{ \"b\" }}{{ 'it''s' }}",
        "a {# comment #} b",
        "a {#- trimmed -#} b",
        "x  {{- 'y' -}}  z",
        "x\n  {%- if true %}\ny\n  {%- endif %}\nz",
        "{% if true %}\n  kept\n{% endif %}\nafter",
        "line\n    {% if true %}\n    indented\n    {% endif %}\nend",
        "  {{ 'expr lines are not lstripped' }}\n",
        "{% for i in xs %}\n{{ i }}\n{% endfor %}\n",
        "a\n{# c #}\nb",
        "trailing newline is dropped\n",
        // a multi-line chat template with no '-' modifiers: its layout depends entirely on trim_blocks + lstrip_blocks
        "{% for message in messages %}\n    {% if message.role == 'user' %}\n<|user|>\n{{ message.content }}\n    {% else %}\n<|{{ message.role }}|>\n{{ message.content }}\n    {% endif %}\n{# per-message comment #}\n{% endfor %}\n{% if messages|length > 1 %}\n  <|assistant|>\n{% endif %}\n",
        "\t{% if true %}tab-indented tag{% endif %}\n  text {% if true %}mid-line tag keeps spaces{% endif %}",
        // literals and arithmetic
        "{{ 1 + 2 }} {{ 7 - 10 }} {{ 2 * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }}",
        "{{ 1.5 + 1 }} {{ 0.1 + 0.2 }} {{ 3.0 }} {{ 7 / 2 }} {{ f * 2 }}",
        "{{ -n }} {{ -(n + 1) }} {{ +n }} {{ n - -1 }}",
        "{{ 'a' ~ 1 ~ 'b' ~ 2.5 }}",
        "{{ 'ab' + 'cd' }} {{ [1, 2] + [3] }}",
        // comparisons and logic
        "{{ B(1 < 2) }}|{{ B(2 <= 2) }}|{{ B(1 == 1.0) }}|{{ B('a' != 'b') }}",
        "{% if 1 < 2 and not false %}yes{% endif %}{% if false or n %}or{% endif %}",
        "{% if 'ell' in 'hello' %}a{% endif %}{% if 2 in xs %}b{% endif %}{% if 'z' not in d %}c{% endif %}{% if 'a' in d %}d{% endif %}",
        "{{ 'yes' if flag else 'no' }} {{ 'yes' if not flag else 'no' }}",
        "{% if empty %}full{% elif nothing %}none{% elif n > 5 %}big{% else %}other{% endif %}",
        "{% if messages[0].role == 'system' %}S{% endif %}{% if messages[0]['role'] == 'user' %}U{% endif %}",
        // variables, attributes, indexing, slicing
        "{{ messages[1].content }}|{{ messages[-1]['content'] }}|{{ nested.a.b.c }}|{{ nested['a']['b'].c }}",
        "{{ xs[0] }}{{ xs[-1] }}{{ xs[1:] }}{{ xs[:2] }}{{ xs[::-1] }}{{ xs[::2] }}",
        "{% for m in messages[1:] %}{{ m.role }},{% endfor %}{% for m in messages[::-1] %}{{ m.role }};{% endfor %}",
        "{{ 'hello'[1:3] }}{{ 'hello'[::-1] }}{{ 'hello'[-3:] }}",
        "{{ missing }}[{{ d.missing }}]",
        "{% set x = 5 %}{{ x }}{% set a, b = 1, 2 %}{{ a }}{{ b }}",
        "{% set block %}inner {{ n }}{% endset %}[{{ block }}]",
        "{% set ns = namespace(count=0, found=false) %}{% for i in xs %}{% set ns.count = ns.count + i %}{% if i == 1 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.count }}{{ B(ns.found) }}",
        // loops
        "{% for i in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ B(loop.first) }}{{ B(loop.last) }}{{ loop.length }}|{% endfor %}",
        "{% for i in xs %}{{ loop.previtem if loop.previtem is defined else 'none' }}-{{ loop.nextitem if loop.nextitem is defined else 'none' }},{% endfor %}",
        "{% for i in empty %}x{% else %}empty{% endfor %}",
        "{% for u in users if u.admin %}{{ u.name }}{{ loop.index }}/{{ loop.length }} {% endfor %}",
        "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
        "{% for k in d %}{{ k }}{% endfor %}",
        "{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}",
        "{% for i in xs %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}|{% for i in xs %}{% if i == 1 %}{% break %}{% endif %}{{ i }}{% endfor %}",
        "{% for row in [[1, 2], [3, 4]] %}{% for c in row %}{{ loop.index }}{{ c }}{% endfor %};{% endfor %}",
        // tests
        "{{ B(n is defined) }}{{ B(zz is defined) }}{{ B(zz is undefined) }}{{ B(nothing is none) }}{{ B(s is string) }}{{ B(d is mapping) }}",
        "{{ B(xs is iterable) }}{{ B(n is number) }}{{ B(f is number) }}{{ B(flag is true) }}{{ B(flag is false) }}{{ B(n is odd) }}{{ B(n is even) }}",
        "{{ B(n is not none) }}{{ B('a' is string) }}{{ B(d is not mapping) }}{{ B(nothing is not none) }}",
        // filters
        "[{{ s|trim }}][{{ s|length }}][{{ xs|length }}][{{ d|length }}]",
        "{{ 'mIxEd'|upper }}{{ 'mIxEd'|lower }}{{ 'hello world'|title }}{{ 'hello world'|capitalize }}",
        "{{ xs|first }}{{ xs|last }}",
        "{{ words|join(', ') }}|{{ xs|join }}|{{ users|map(attribute='name')|join('-') }}",
        "{{ missing|default('dflt') }}|{{ n|default(3) }}|{{ ''|default('e', true) }}",
        "{{ 'a-b-c'|replace('-', '+') }}",
        "{{ n|string ~ '!' }}{{ '42'|int + 1 }}{{ '2.5'|float * 2 }}{{ 3.9|int }}",
        "{{ xs|sort|join }}{{ xs|sort(reverse=true)|join }}{{ words|sort|join }}",
        "{{ users|sort(attribute='age')|map(attribute='name')|join(',') }}",
        "{{ users|selectattr('admin')|map(attribute='name')|join(',') }}|{{ users|rejectattr('admin')|map(attribute='name')|join(',') }}",
        "{{ users|selectattr('name', 'equalto', 'bob')|map(attribute='age')|first }}",
        "{{ d|items|list|length }}{% for k, v in d|dictsort %}{{ k }}{{ v }}{% endfor %}",
        "{{ xs|reverse|join }}{{ [1, 2, 2, 3, 1]|unique|join }}",
        "{{ -3|abs }}{{ text|indent(2) }}|{{ text|indent(2, true) }}",
        "{{ d|tojson }}|{{ xs|tojson }}|{{ 'q\"b\\\\n\u00e9'|tojson }}|{{ nothing|tojson }}|{{ flag|tojson }}|{{ f|tojson }}",
        "{{ users|tojson(indent=2) }}",
        "{{ nested|tojson(indent=4) }}{{ empty|tojson(indent=2) }}",
        "{{ 'x'|safe }}",
        // string methods
        "[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}]",
        "{{ 'a,b,,c'.split(',') | join('|') }}|{{ '  a  b '.split() | join('|') }}|{{ 'a b c'.split(' ', 1) | length }}",
        "{{ B('hello'.startswith('he')) }}{{ B('hello'.endswith('lo')) }}{{ B('hello'.startswith(('x', 'h'))) }}{{ B('hello'.startswith('x')) }}",
        "{{ 'hello'.replace('l', 'L') }}{{ 'hello'.upper() }}{{ 'HeLLo'.lower() }}",
        "{{ messages[1].content.split(' ')[0] }}",
        // dict methods
        "{{ d.get('a') }}{{ d.get('zz', 'none') }}{{ d.keys()|list|length }}{{ d.values()|list|length }}",
        "{% for k, v in d.items() %}{{ k }}{% endfor %}",
        // macros and call blocks
        "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', '?') }} {{ greet(name='Cy') }}",
        "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}inside{% endcall %}",
        "{% filter upper %}shout {{ n }}{% endfilter %}",
        // raise_exception, dict/list literals, membership in literals
        "{% if n > 100 %}{{ raise_exception('too big') }}{% endif %}ok",
        "{{ raise_exception('Invalid role: ' + messages[0].role) }}",
        "{% set m = {'k': 'v', 'n': 1} %}{{ m.k }}{{ m['n'] }}{{ m|length }}",
        "{% if messages[1].role in ['user', 'assistant'] %}member{% endif %}",
        // scoping: set inside a for does not leak out; inside if it does
        "{% set c = 1 %}{% for i in xs %}{% set c = 99 %}{% endfor %}{{ c }}{% if true %}{% set c = 2 %}{% endif %}{{ c }}",
        "{% if true %}{% set leaked = 'y' %}{% endif %}{{ leaked }}",
    ];

    // Booleans print differently in the JS oracle (true) and Python (True), so the table prints them through this macro.
    private const string BoolMacro = "{% macro B(x) %}{{ 'T' if x else 'F' }}{% endmacro %}";

    [Fact]
    public void Every_case_matches_the_oracle()
    {
        var context = JsonNode.Parse(Ctx)!.AsObject();
        var templates = Cases.Select(c => BoolMacro + c).ToList();
        var oracle = HfJinjaOracle.Render(templates.Select(t => (t, context)).ToList());
        var variables = JsonDocumentToVariables(Ctx);
        var failures = new List<string>();
        for (int i = 0; i < templates.Count; i++)
        {
            string? ours = null, error = null;
            try { ours = JinjaTemplate.Parse(templates[i]).Render(variables); }
            catch (JinjaException e) { error = e.Reason; }
            var o = oracle[i];
            string label = ChatTemplateParityTests.Escape(templates[i]);
            if (!o.Ok)
            {
                if (error is null) failures.Add($"{label}: oracle raised '{o.Error}', we rendered {ChatTemplateParityTests.Escape(ours!)}");
                else if (error != o.Error) failures.Add($"{label}: oracle raised '{o.Error}', we raised '{error}'");
            }
            else if (error is not null) failures.Add($"{label}: oracle rendered {ChatTemplateParityTests.Escape(o.Text!)}, we raised '{error}'");
            else if (ours != o.Text) failures.Add($"{label}:\n  oracle: {ChatTemplateParityTests.Escape(o.Text!)}\n  ours:   {ChatTemplateParityTests.Escape(ours!)}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {templates.Count} cases differ:\n" + string.Join("\n", failures));
    }

    internal static IReadOnlyDictionary<string, object?> JsonDocumentToVariables(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var d = new Dictionary<string, object?>();
        foreach (var p in doc.RootElement.EnumerateObject()) d[p.Name] = p.Value.Clone();
        return d;
    }
}
