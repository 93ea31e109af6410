namespace DeclarativeSft.Jinja.Tests.Limits;

/// <summary>
/// Runs one hostile template in a child process (this test assembly's own <see cref="Program.Main"/>), on a thread
/// with a 1 MiB stack, so a template that overflows the stack kills only the child (exit 134) and the test fails
/// cleanly instead of taking the test host down.
/// </summary>
public static class ChildProbe
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string caseName)
    {
        string dll = typeof(ChildProbe).Assembly.Location;
        try
        {
            // A hang guard, not a measure: a loaded machine may take many seconds to start a dotnet child.
            var r = ChildProcess.Run("dotnet", ["exec", dll, "jinja-probe", caseName], TimeSpan.FromMinutes(5));
            return new Result(r.ExitCode, r.Stdout, r.Stderr);
        }
        catch (TimeoutException e)
        {
            return new Result(-1, "", e.Message);
        }
    }

    /// <summary>The hostile templates the probe knows, by name.</summary>
    public static string Template(string caseName) => caseName switch
    {
        "nested-if-50000" => string.Concat(Enumerable.Repeat("{% if true %}", 50_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 50_000)),
        "nested-for-50000" => string.Concat(Enumerable.Repeat("{% for a in [1] %}", 50_000)) + "x" + string.Concat(Enumerable.Repeat("{% endfor %}", 50_000)),
        "nested-parens-100000" => "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}",
        "nested-brackets-100000" => "{{ " + new string('[', 100_000) + "1" + new string(']', 100_000) + " }}",
        "nested-not-100000" => "{{ " + string.Concat(Enumerable.Repeat("not ", 100_000)) + "1 }}",
        "nested-neg-100000" => "{{ " + new string('-', 100_000) + "1 }}",
        "nested-cond-100000" => "{{ " + string.Concat(Enumerable.Repeat("1 if false else ", 100_000)) + "1 }}",
        "nested-calls-100000" => "{{ " + string.Concat(Enumerable.Repeat("range(", 100_000)) + "1" + new string(')', 100_000) + " }}",
        "recursive-macro" => "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "recursive-caller" => "{% macro f() %}{% call f() %}x{% endcall %}{% endmacro %}{{ f() }}",
        "deep-list-value" => "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}",
        "deep-list-tojson" => "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x|tojson }}",
        "deep-list-equals" => "{% set ns = namespace(x=[], y=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% set ns.y = [ns.y] %}{% endfor %}{{ ns.x == ns.y }}",
        "self-namespace" => "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}",
        _ => throw new ArgumentException($"no probe case '{caseName}'"),
    };
}

/// <summary>Entry point of the test assembly when started as a child process (see <see cref="ChildProbe"/>).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "jinja-probe") return 2;
        int rc = 0;
        var thread = new Thread(() =>
        {
            try
            {
                string text = JinjaTemplate.Parse(ChildProbe.Template(args[1])).Render();
                Console.WriteLine($"RENDERED {text.Length}");
            }
            catch (Exception e)
            {
                Console.WriteLine($"{e.GetType().Name}: {e.Message}");
                rc = e is JinjaException ? 0 : 3;
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        return rc;
    }
}
