using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DeclarativeSft.Tokenizers.Tests.Oracle;

/// <summary>Runs hf_tokenizer_oracle.mjs under node with a JSON request and returns its JSON answer.</summary>
public static class NodeOracle
{
    public static JsonNode Run(string mode, JsonObject request, int timeoutSeconds = 300)
    {
        OracleFiles.RequireJsOracle();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--max-old-space-size=4096");
        info.ArgumentList.Add(OracleFiles.ScriptPath);
        info.ArgumentList.Add(OracleFiles.OraclesDir);
        info.ArgumentList.Add(mode);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("node is not on PATH; the tokenizer oracle needs Node.js (and `npm ci` in tests/oracles).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(request.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            process.StandardInput.Close();
            if (!process.WaitForExit(timeoutSeconds * 1000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node oracle did not finish in {timeoutSeconds}s");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"node oracle failed (exit {process.ExitCode}): {stderr.Result}");
            return JsonNode.Parse(stdout.Result)!;
        }
    }
}
