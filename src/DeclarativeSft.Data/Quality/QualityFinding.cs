using System.Collections.Generic;

namespace DeclarativeSft.Data.Quality;

/// <summary>
/// One problem found in the data: which check, where (a data file line, or for dataset-level findings the recipe's
/// source entry), and the arguments of its message format (the recipe diagnostic of <see cref="QualityCheck.Id"/>).
/// <see cref="Check"/> is null for lines the reader rejects outright (not JSON, missing field: always errors,
/// <see cref="ReaderProblem"/> holds the reader's message).
/// </summary>
public sealed class QualityFinding
{
    public QualityFinding(QualityCheck? check, string file, int line, object[] arguments, string? readerProblem = null)
    {
        Check = check;
        File = file;
        Line = line;
        Arguments = arguments;
        ReaderProblem = readerProblem;
    }

    public QualityCheck? Check { get; }
    public string File { get; }
    /// <summary>1-based line.</summary>
    public int Line { get; }
    public object[] Arguments { get; }
    public string? ReaderProblem { get; }
}

/// <summary>Where a source is declared in the recipe: dataset-level findings point there.</summary>
public sealed class SourceDeclaration
{
    public SourceDeclaration(string tag, string path, string recipePath, int recipeLine)
    {
        Tag = tag;
        Path = path;
        RecipePath = recipePath;
        RecipeLine = recipeLine;
    }

    public string Tag { get; }
    public string Path { get; }
    public string RecipePath { get; }
    public int RecipeLine { get; }
}

/// <summary>Token statistics of one source, for the report's histograms.</summary>
public sealed class SourceStatistics
{
    public SourceStatistics(string tag, string path) { Tag = tag; Path = path; }

    public string Tag { get; }
    public string Path { get; }
    /// <summary>Readable examples.</summary>
    public int Examples { get; set; }
    /// <summary>Token count of each message, by role (system, user, assistant).</summary>
    public Dictionary<string, List<int>> MessageTokens { get; } = new Dictionary<string, List<int>>();
    /// <summary>Trained tokens / all tokens of each example (before truncation).</summary>
    public List<double> TrainedShare { get; } = new List<double>();
    /// <summary>Total tokens and trained tokens of the source.</summary>
    public long Tokens { get; set; }
    public long TrainedTokens { get; set; }
}

/// <summary>What <see cref="DatasetLinter"/> found: the findings (before severities are applied) and the statistics.</summary>
public sealed class QualityReport
{
    public QualityReport(IReadOnlyList<QualityFinding> findings, IReadOnlyList<SourceStatistics> sources)
    {
        Findings = findings;
        Sources = sources;
    }

    public IReadOnlyList<QualityFinding> Findings { get; }
    public IReadOnlyList<SourceStatistics> Sources { get; }
}
