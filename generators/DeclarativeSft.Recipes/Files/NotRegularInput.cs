using System;
using System.Collections.Generic;

namespace DeclarativeSft.Recipes;

/// <summary>A referenced path that exists but is no regular file, and what it is ("a character device" …).</summary>
public sealed record NotRegularInput(string Path, string Kind)
{
    /// <summary>Reads the build's list: <c>kind&gt;path</c> entries joined by <c>|</c> (the SDK targets write it into
    /// the <c>SftNotRegularRecipeInputs</c> property from the inputs step's findings).</summary>
    public static EquatableArray<NotRegularInput> ParseList(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return EquatableArray<NotRegularInput>.Empty;
        var list = new List<NotRegularInput>();
        foreach (var entry in value!.Split(new[] { '|' }, StringSplitOptions.RemoveEmptyEntries))
        {
            int at = entry.IndexOf('>');
            if (at > 0 && at < entry.Length - 1) list.Add(new NotRegularInput(entry.Substring(at + 1).Trim(), entry.Substring(0, at).Trim()));
        }
        return list.ToEquatableArray();
    }
}
