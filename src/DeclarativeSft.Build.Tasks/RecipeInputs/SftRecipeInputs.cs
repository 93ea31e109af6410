using System;
using System.Collections.Generic;
using System.IO;
using DeclarativeSft.Recipes;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace DeclarativeSft.Build;

/// <summary>
/// Lists the files a recipe references (data files, the model's config.json, tokenizer files), so that the build can
/// pass them to the generator as AdditionalFiles: the generator may not touch the file system itself. The paths come
/// from the recipe parser the generator uses (<see cref="RecipeFileRequirements.PathsFor"/>). Files that do not exist
/// are left out; the generator reports them as missing at the YAML line that names them. Paths that exist but are no
/// regular file (a folder, /dev/zero, a FIFO) are never handed to the compiler, which would read them forever: they
/// come out as <see cref="NotRegularFiles"/> and reach the generator as a property, which reports them at their line.
/// </summary>
public sealed class SftRecipeInputs : Task
{
    /// <summary>The recipe files (<c>*.sft.yaml</c>) of the project.</summary>
    [Required] public ITaskItem[] Recipes { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The existing files the recipes reference, as absolute paths.</summary>
    [Output] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Referenced paths that exist but are no regular file, each with metadata <c>Kind</c> ("a character
    /// device", "a named pipe", "a folder" …).</summary>
    [Output] public ITaskItem[] NotRegularFiles { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var found = new List<ITaskItem>();
        var notRegular = new List<ITaskItem>();
        foreach (var recipe in Recipes)
        {
            string recipePath = recipe.GetMetadata("FullPath");
            try
            {
                if (!File.Exists(recipePath)) continue;
                foreach (string path in RecipeFileRequirements.PathsFor(recipePath, File.ReadAllText(recipePath)))
                {
                    if (FileKinds.NotRegular(path) is { } kind)
                        notRegular.Add(new TaskItem(path, new Dictionary<string, string> { ["Kind"] = kind }));
                    else if (File.Exists(path))
                        found.Add(new TaskItem(path));
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // The generator reads the same recipe and reports what is wrong with it at its line; here only the
                // data checks are lost, and the build says so.
                Log.LogWarning(null, "DSFT0004", null, recipePath, 0, 0, 0, 0,
                    "DeclarativeSft: could not read {0} to list the files it references ({1}); the data and model checks are skipped in this build.", recipePath, e.Message);
            }
        }
        Files = found.ToArray();
        NotRegularFiles = notRegular.ToArray();
        return true;
    }
}
