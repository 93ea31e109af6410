using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Jinja.Tests.Oracle;

/// <summary>One rendering by the oracle: the text, or the error it raised.</summary>
public sealed record OracleResult(bool Ok, string? Text, string? Error);

/// <summary>
/// Runs @huggingface/jinja (Hugging Face's JS Jinja, installed by `npm ci` in tests/oracles) through node on a batch
/// of templates and contexts, so one process serves a whole test class.
/// </summary>
public static class HfJinjaOracle
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string OraclesDir => Path.Combine(RepoRoot, "tests", "oracles");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DeclarativeSft.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (DeclarativeSft.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Path of a package under tests/oracles/node_modules; fails with the fix when it is not installed.</summary>
    public static string Package(string name)
    {
        string dir = Path.Combine(OraclesDir, "node_modules", name);
        if (!Directory.Exists(dir))
            throw new InvalidOperationException($"Oracle package {name} is missing at {dir}: run `npm ci` in tests/oracles");
        return dir;
    }

    public static IReadOnlyList<OracleResult> Render(IReadOnlyList<(string Template, JsonObject Context)> cases)
    {
        string jinja = Package("@huggingface/jinja");
        string script = Path.Combine(RepoRoot, "tests", "DeclarativeSft.Jinja.Tests", "Oracle", "render.cjs");
        var input = new JsonArray();
        foreach (var (template, context) in cases)
            input.Add(new JsonObject { ["template"] = template, ["context"] = context.DeepClone() });

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(jinja);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (Exception e) { throw new InvalidOperationException("Cannot start `node` (Node.js must be on PATH for the oracle tests): " + e.Message); }
        using (process)
        {
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Write(input.ToJsonString());
            process.StandardInput.Close();
            if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException("oracle node process timed out"); }
            string stdout = stdoutTask.Result;
            if (process.ExitCode != 0) throw new InvalidOperationException($"oracle failed (exit {process.ExitCode}): {stderrTask.Result}");
            var results = JsonSerializer.Deserialize<List<OracleResult>>(stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
            if (results.Count != cases.Count) throw new InvalidOperationException("oracle returned a different number of results");
            return results;
        }
    }
}
