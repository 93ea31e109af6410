using System.Runtime.CompilerServices;

namespace DeclarativeSft.Generators.Tests.Infrastructure;

/// <summary>
/// Compares text to a checked-in file under Expected/. With SFT_UPDATE_EXPECTED=1 the file is rewritten instead
/// (then review the diff before committing).
/// </summary>
public static class ExpectedFile
{
    public static void Match(string actual, string name, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Expected", name);
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("SFT_UPDATE_EXPECTED") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".tmp";
            File.WriteAllText(temp, actual);
            File.Move(temp, path, overwrite: true);
            return;
        }
        Assert.True(File.Exists(path), $"Expected file {path} is missing; run with SFT_UPDATE_EXPECTED=1 to create it.");
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected == actual) return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < Math.Min(e.Length, a.Length) && e[line] == a[line]) line++;
        Assert.Fail($"{name} differs from {path} at line {line + 1}:\n- {(line < e.Length ? e[line] : "<end>")}\n+ {(line < a.Length ? a[line] : "<end>")}\n(set SFT_UPDATE_EXPECTED=1 to accept)");
    }
}
