using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Session;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Commands;

/// <summary>
/// <c>export</c>, and the last step of <c>train</c>: the formats of <c>output.save</c> under the output folder —
/// <c>adapter/</c> (PEFT), <c>merged/</c> (adapters merged into the base) and <c>full/</c> (the whole model), the last
/// two as Hugging Face checkpoint folders. Each carries the recipe's tokenizer files (<see cref="ExportedTokenizer"/>:
/// its added tokens, its chat template as chat_template, its end-of-turn token as EOS), proven on training examples
/// (<see cref="ExportProof"/>) before any folder is written.
/// </summary>
public static class RecipeExport
{
    /// <summary>Exports the newest checkpoint; returns the exit code.</summary>
    public static int Run(RecipeSpec spec, RecipeRunOptions options, RecipeComponents components, TextWriter output)
    {
        using var session = RecipeSession.Open(spec, options, components.Transform);
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
        var tokenizer = ProvenTokenizerFiles(spec, session.Tokenizer, session.Template, session.Masker, session.DataOptions, output);
        if (save.HasFlag(SaveKind.Adapter))
        {
            if (spec.Lora is { } lora)
            {
                var dir = Path.Combine(session.OutputDir, "adapter");
                ExportFolder.Replace(dir, tmp => PeftAdapter.Save(tmp, session.Model, lora, spec.Model.Path, tokenizer), Inputs(spec), "adapter", "output.save adapter folder");
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
                HfCheckpointWriter.Save(dir, session.Model, RecipeTextPipeline.TokenizerFolder(spec), tokenizer, inputs: Inputs(spec), kind: name);
                written.Add((name, dir));
            }
        }
        return written;
    }

    /// <summary>The recipe's tokenizer files for its exports, checked against its training examples as
    /// <paramref name="data"/> reads them (<see cref="RecipeTextPipeline.DataOptions"/>, so through its
    /// <c>data.transform</c>; see <see cref="ExportProof"/>); prints what they carry and what they leave out.</summary>
    /// <exception cref="InvalidDataException">The files would not reproduce the training ids (nothing is written then).</exception>
    public static ExportedTokenizer ProvenTokenizerFiles(RecipeSpec spec, ITokenizer tokenizer, Data.ChatTemplate template, Data.LossMasker masker,
        Data.DataPipelineOptions data, TextWriter output)
    {
        var files = ExportedTokenizer.Create(tokenizer, template, spec.Template.System);
        int proven = ExportProof.Verify(files, RecipeTextPipeline.ProofSamples(data), spec.Template.System, masker, tokenizer);
        output.WriteLine($"tokenizer files: chat_template of template {template.Name}" +
                         (files.EndOfTurnToken is { } eot ? $", eos_token {eot}" : "") +
                         $"; rendered and tokenized from the exported files, {proven} training example(s) give exactly their training ids");
        foreach (var note in files.Notes) output.WriteLine($"note: {note}");
        return files;
    }

    /// <summary>What an export must never replace: the model, tokenizer, data folders and the checkpoints it reads.</summary>
    private static IEnumerable<string?> Inputs(RecipeSpec spec) =>
        new[] { spec.Model.Path, spec.Tokenizer.Path, spec.Output.ResumePath, Path.Combine(spec.Output.Dir, "checkpoints") }
            .Concat(spec.Data.TrainPaths.Select(Path.GetDirectoryName))
            .Concat([spec.Data.Validation?.Path is { } v ? Path.GetDirectoryName(v) : null]);
}
