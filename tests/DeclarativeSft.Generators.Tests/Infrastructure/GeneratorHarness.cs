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
    public static CSharpCompilation Compilation(OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(RecipeSpec).Assembly.Location));
        return CSharpCompilation.Create("RecipeTest", Array.Empty<SyntaxTree>(), references, new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));
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
