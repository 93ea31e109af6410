using System.Text.Json.Nodes;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Components;

/// <summary>The model's greedy answers to the prompts of a validation file.</summary>
/// <param name="Path">The validation file.</param>
/// <param name="Items">One per line that has a prompt, in file order.</param>
/// <param name="Note">Why there are fewer items than lines or none at all, or null.</param>
public sealed record HeldOutAnswers(string Path, IReadOnlyList<HeldOutAnswer> Items, string? Note = null);

/// <summary>One answered held-out line.</summary>
/// <param name="Id">The line's <c>id</c> field, else <c>line-N</c>.</param>
/// <param name="Line">1-based line number in <see cref="HeldOutAnswers.Path"/>.</param>
/// <param name="Prompt">The messages before the final assistant turn, as the model was asked.</param>
/// <param name="Reference">The final assistant turn of the line (empty when it has none).</param>
/// <param name="Completion">What the model answered (special tokens removed).</param>
/// <param name="Item">The whole JSON line, for fields of the recipe's own (unit tests, tags, …).</param>
public sealed record HeldOutAnswer(string Id, int Line, IReadOnlyList<ChatMessage> Prompt, string Reference, string Completion, JsonObject Item);
