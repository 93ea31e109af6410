using System.Diagnostics;
using DeclarativeSft.Jinja.Tests.Oracle;

namespace DeclarativeSft.Jinja.Tests.Limits;

/// <summary>
/// A hostile chat template cannot crash or hang the process (issue 10, item 3): nesting, recursion, loops and sizes
/// are bounded, each with a <see cref="JinjaLimitException"/> (a <see cref="JinjaException"/>, which callers report as
/// a user error) that names the template and the limit.
/// </summary>
public class ResourceLimitTests
{
    [Theory]
    [InlineData("nested-if-50000", "MaxNestingDepth")]
    [InlineData("nested-for-50000", "MaxNestingDepth")]
    [InlineData("nested-parens-100000", "MaxNestingDepth")]
    [InlineData("nested-brackets-100000", "MaxNestingDepth")]
    [InlineData("nested-not-100000", "MaxNestingDepth")]
    [InlineData("nested-neg-100000", "MaxNestingDepth")]
    [InlineData("nested-cond-100000", "MaxNestingDepth")]
    [InlineData("nested-calls-100000", "MaxNestingDepth")]
    [InlineData("recursive-macro", "MaxCallDepth")]
    [InlineData("recursive-caller", "MaxCallDepth")]
    [InlineData("deep-list-value", "nested too deeply")]
    [InlineData("deep-list-tojson", "nested too deeply")]
    [InlineData("deep-list-equals", "nested too deeply")]
    [InlineData("self-namespace", "nested too deeply")]
    public void Deep_templates_fail_with_a_limit_error_instead_of_overflowing_the_stack(string caseName, string limit)
    {
        var r = ChildProbe.Run(caseName);
        Assert.True(r.ExitCode == 0, $"child exited {r.ExitCode} (134 = stack overflow): {r.Stdout} {r.Stderr[..Math.Min(2000, r.Stderr.Length)]}");
        Assert.StartsWith("JinjaLimitException: ", r.Stdout);
        Assert.Contains(limit, r.Stdout);
    }

    /// <summary>What Python's Jinja2 can nest (at its default recursion limit) we can too: these are real-template depths.</summary>
    [Theory]
    [InlineData(69, 98, 20, 120)]
    public void Nesting_that_Jinja2_accepts_still_works(int parens, int ifs, int fors, int macroDepth)
    {
        Assert.Equal("1", JinjaTemplate.Parse("{{ " + new string('(', parens) + "1" + new string(')', parens) + " }}").Render());
        Assert.Equal("x", JinjaTemplate.Parse(string.Concat(Enumerable.Repeat("{% if true %}", ifs)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", ifs))).Render());
        Assert.Equal("x", JinjaTemplate.Parse(string.Concat(Enumerable.Repeat("{% for a in [1] %}", fors)) + "x" + string.Concat(Enumerable.Repeat("{% endfor %}", fors))).Render());
        Assert.Equal("done", JinjaTemplate.Parse(
            "{% macro f(k) %}{% if k > 0 %}{{ f(k - 1) }}{% else %}done{% endif %}{% endmacro %}{{ f(" + macroDepth + ") }}").Render());
    }

    /// <summary>
    /// How long a render may take before the test calls it a hang: a guard against blocking the suite forever, not a
    /// measure. What these tests assert is load-independent — the limit that stopped the render and the memory the
    /// render allocated — so a machine at load 24 passes them as an idle one does.
    /// </summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);

    /// <summary>Renders <paramref name="template"/> on a thread of its own; returns the limit error it must end with
    /// and the bytes its thread allocated meanwhile.</summary>
    private static (JinjaLimitException Error, long AllocatedBytes) RenderToALimit(string template, JinjaOptions? options = null)
    {
        var t = JinjaTemplate.Parse(template, options);
        Exception? caught = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { t.Render(); }
            catch (Exception e) { caught = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(HangGuard), $"rendering did not end within {HangGuard.TotalMinutes} minutes: the limits did not stop it");
        Assert.NotNull(caught);
        return (Assert.IsType<JinjaLimitException>(caught), allocated);
    }

    [Fact]
    public void Nested_huge_loops_stop_at_the_step_limit()
    {
        // 10^10 iterations unbounded; the render must stop at the step limit (2,000,000), not run for hours.
        var (e, _) = RenderToALimit("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");
        Assert.Equal("MaxRenderSteps", e.LimitName);
        Assert.Equal(JinjaLimits.Default.MaxRenderSteps, e.Limit);
        Assert.Contains("MaxRenderSteps", e.Message);
        Assert.Contains(JinjaLimits.Default.MaxRenderSteps.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Equal(1, e.TemplateLine);
    }

    /// <summary>
    /// Fail fast means without first allocating what was asked for: <c>'x' * 1e10</c> once took 16 s and 4–6 GB. The
    /// render's own allocations stay within a few times the largest string the limit allows (UTF-16: 2 bytes a
    /// character; a builder that doubles holds up to twice that, plus the pieces appended), however large the request.
    /// </summary>
    [Theory]
    [InlineData("{{ 'x' * 10000000000 }}")]
    [InlineData("{{ 10000000000 * 'x' }}")]
    [InlineData("{{ ['x'] * 10000000000 }}")]
    [InlineData("{{ 'x'|center(2000000000) }}")]
    [InlineData("{{ 'a\nb'|indent(2000000000) }}")]
    [InlineData("{{ '%2000000000s'|format('x') }}")]
    [InlineData("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}")]
    [InlineData("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}")]
    public void Huge_strings_fail_fast_at_the_size_limit(string template)
    {
        var (e, allocated) = RenderToALimit(template);
        Assert.Equal("MaxOutputLength", e.LimitName);
        Assert.Contains("MaxOutputLength", e.Message);
        long bound = 8L * sizeof(char) * JinjaLimits.Default.MaxOutputLength;
        Assert.True(allocated < bound, $"the render allocated {allocated:N0} bytes before failing (bound {bound:N0})");
    }

    [Fact]
    public void Quadratic_string_building_stops_at_the_built_limit()
    {
        var (e, allocated) = RenderToALimit(
            "{% set ns = namespace(s='') %}{% for i in range(100000) %}{% set ns.s = ns.s ~ ('x' * 1000) %}{% endfor %}{{ ns.s|length }}");
        Assert.Equal("MaxBuiltTotal", e.LimitName);
        // Unbounded, the loop builds 5·10^12 characters; stopped, about the limit's worth (2 bytes each, and slack).
        long bound = 4L * sizeof(char) * JinjaLimits.Default.MaxBuiltTotal;
        Assert.True(allocated < bound, $"the render allocated {allocated:N0} bytes before failing (bound {bound:N0})");
    }

    [Fact]
    public void String_times_float_is_a_type_error_like_Jinja2()
    {
        // Python Jinja2: TypeError: can't multiply sequence by non-int of type 'float'.
        var e = Assert.ThrowsAny<JinjaException>(() => JinjaTemplate.Parse("{{ 'x' * 1e10 }}").Render());
        Assert.IsNotType<JinjaLimitException>(e);
        Assert.Contains("'str' and 'float'", e.Reason);
    }

    [Fact]
    public void Limit_errors_name_the_template_file_and_the_limit()
    {
        using var temp = new TempFolder("sft-jinja-limits-");
        string config = temp.Write("tokenizer_config.json", System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["chat_template"] = "{% for m in messages %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endfor %}",
            ["eos_token"] = "</s>",
        }));
        var t = HfChatTemplate.FromTokenizerConfig(config);
        var e = Assert.Throws<JinjaLimitException>(() => t.Render([new ChatTurn("user", "hi")], false));
        Assert.Contains(config, e.Message);
        Assert.Contains("MaxRenderSteps", e.Message);

        temp.Write("tokenizer_config.json", System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["chat_template"] = string.Concat(Enumerable.Repeat("{% if true %}", 50_000)),
        }));
        var p = Assert.Throws<JinjaLimitException>(() => HfChatTemplate.FromTokenizerConfig(config));
        Assert.Contains(config, p.Message);
        Assert.Contains("MaxNestingDepth", p.Message);
        Assert.True(p.TemplateLine > 0);
    }

    [Fact]
    public void Limits_can_be_set_per_template()
    {
        var options = JinjaOptions.ChatTemplate with { Limits = JinjaLimits.Default with { MaxRenderSteps = 10 } };
        Assert.Equal("0123456789", JinjaTemplate.Parse("{% for i in range(10) %}{{ i }}{% endfor %}", options).Render());
        var e = Assert.Throws<JinjaLimitException>(() => JinjaTemplate.Parse("{% for i in range(11) %}{{ i }}{% endfor %}", options).Render());
        Assert.Equal(10, e.Limit);
    }
}
