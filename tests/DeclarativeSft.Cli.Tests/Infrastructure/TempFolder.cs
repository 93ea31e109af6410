namespace DeclarativeSft.Cli.Tests.Infrastructure;

/// <summary>A fresh folder under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("sft-cli-tests-").FullName;

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Writes a file (UTF-8, no BOM) inside the folder and returns its absolute path.</summary>
    public string Write(string relativePath, string content)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content, new System.Text.UTF8Encoding(false));
        return full;
    }

    /// <summary>Makes the folder look like a DeclarativeSft checkout (DeclarativeSft.sln beside recipes/), where
    /// <c>sft new --dir</c> may scaffold; returns the recipes/ folder.</summary>
    public string MakeCheckout()
    {
        Write("DeclarativeSft.sln", "");
        string recipes = System.IO.Path.Combine(Path, "recipes");
        Directory.CreateDirectory(recipes);
        return recipes;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
