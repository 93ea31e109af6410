using System.Collections.Immutable;
using System.Text;
using DeclarativeSft.Generators;
using DeclarativeSft.Recipes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace DeclarativeSft.Generators.Tests.Infrastructure;

/// <summary>An AdditionalFiles item held in memory.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);
    public override string Path { get; } = path;
    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Runs <see cref="RecipeGenerator"/> over in-memory recipes and files.</summary>
public static class GeneratorHarness
{
    /// <summary>A recipe project's compilation: the BCL, DeclarativeSft.Recipes and DeclarativeSft.Data (the spec's
    /// mask, format and truncation enums); with <paramref name="withRuntime"/>
    /// also the real training runtime (DeclarativeSft.Runtime and what its API mentions), as a recipe program has.</summary>
    public static CSharpCompilation Compilation(OutputKind kind = OutputKind.DynamicallyLinkedLibrary, bool withRuntime = false, params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll"
                || (withRuntime && (Path.GetFileName(p).StartsWith("DeclarativeSft.", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith("TorchSharp", StringComparison.Ordinal))))
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(RecipeSpec).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(DeclarativeSft.Data.DatasetFormat).Assembly.Location))
            .GroupBy(r => Path.GetFileName(r.FilePath)).Select(g => g.First());
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, (CSharpParseOptions)CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), path: "Components.cs"));
        return CSharpCompilation.Create("RecipeTest", trees, references, new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files) =>
        CSharpGeneratorDriver.Create(
            new[] { new RecipeGenerator().AsSourceGenerator() },
            files,
            (CSharpParseOptions)CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static (GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(
        IEnumerable<AdditionalText> files, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var driver = Driver(files).RunGeneratorsAndUpdateCompilation(Compilation(kind), out var output, out var diagnostics);
        return (driver.GetRunResult(), output, diagnostics);
    }
}
