using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>
/// <c>export</c>, and the last step of <c>train</c>: the formats of <c>output.save</c> under the output folder —
/// <c>adapter/</c> (PEFT), <c>merged/</c> (adapters merged into the base) and <c>full/</c> (the whole model), the last
/// two as Hugging Face checkpoint folders with the tokenizer files of the model folder.
/// </summary>
public static class RecipeExport
{
    /// <summary>Exports the newest checkpoint; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, TextWriter output)
    {
        using var session = RecipeSession.Open(spec, options);
        var checkpoint = session.LoadLatestCheckpoint();
        output.WriteLine($"recipe {spec.Name}: exporting {checkpoint}");
        foreach (var (kind, path) in Write(session, output)) output.WriteLine($"  {kind,-8} {path}");
        return 0;
    }

    /// <summary>Writes the formats of output.save for the session's (trained) model; returns (format, folder) pairs.</summary>
    public static IReadOnlyList<(string Kind, string Path)> Write(RecipeSession session, TextWriter output)
    {
        var spec = session.Spec;
        var written = new List<(string, string)>();
        var save = spec.Output.Save;
        string? tokenizerDir = spec.Tokenizer.Source switch
        {
            TokenizerSource.Path when spec.Tokenizer.Path is { } p => Directory.Exists(p) ? p : Path.GetDirectoryName(p),
            TokenizerSource.Model => spec.Model.Path,
            _ => null,
        };
        if (save.HasFlag(SaveKind.Adapter))
        {
            if (spec.Lora is { } lora)
            {
                var dir = Path.Combine(session.OutputDir, "adapter");
                ExportFolder.Replace(dir, tmp => PeftAdapter.Save(tmp, session.Model, lora, spec.Model.Path), Inputs(spec), "adapter", "output.save adapter folder");
                written.Add(("adapter", dir));
            }
            else output.WriteLine("note: output.save has adapter, but the recipe has no lora block (full fine-tuning): nothing to write");
        }
        if (save.HasFlag(SaveKind.Merged) || save.HasFlag(SaveKind.Full))
        {
            // merged (LoRA folded into the base) and full (every weight) are the same HF folder for this model.
            foreach (var kind in new[] { SaveKind.Merged, SaveKind.Full }.Where(k => save.HasFlag(k)))
            {
                var name = kind == SaveKind.Merged ? "merged" : "full";
                var dir = Path.Combine(session.OutputDir, name);
                var tokenizerFiles = session.Tokenizer is ByteTokenizer bytes ? ByteTokenizerFiles.Create(bytes, session.Template) : null;
                HfCheckpointWriter.Save(dir, session.Model, tokenizerDir, tokenizerFiles, inputs: Inputs(spec), kind: name);
                written.Add((name, dir));
            }
        }
        if (spec.Template.AddSpecialTokens && tokenizerDir is not null && written.Count > 0)
            output.WriteLine("note: the exported tokenizer files are the model folder's; the special tokens this recipe added are not written into them yet");
        return written;
    }

    /// <summary>What an export must never replace: the model, tokenizer, data folders and the checkpoints it reads.</summary>
    private static IEnumerable<string?> Inputs(RecipeSpec spec) =>
        new[] { spec.Model.Path, spec.Tokenizer.Path, spec.Output.ResumePath, Path.Combine(spec.Output.Dir, "checkpoints") }
            .Concat(spec.Data.TrainPaths.Select(Path.GetDirectoryName))
            .Concat([spec.Data.Validation?.Path is { } v ? Path.GetDirectoryName(v) : null]);
}
