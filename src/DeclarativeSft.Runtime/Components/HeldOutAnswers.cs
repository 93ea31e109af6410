using System.Text.Json.Nodes;
using DeclarativeSft.Data;

namespace DeclarativeSft.Runtime.Components;

/// <summary>The model's greedy answers to the prompts of the validation data (<c>data.validation.path</c>, or the
/// <c>data.validation.split</c> share of <c>data.train</c>).</summary>
/// <param name="Items">One per held-out example that has a prompt, in the order validation reads them.</param>
/// <param name="Note">Why there are no items, or null.</param>
public sealed record HeldOutAnswers(IReadOnlyList<HeldOutAnswer> Items, string? Note = null);

/// <summary>One answered held-out line.</summary>
/// <param name="Id">The line's <c>id</c> field, else <c>line-N</c> (<c>file.jsonl:line-N</c> when the held-out examples
/// come from several files).</param>
/// <param name="File">The data file of the line.</param>
/// <param name="Line">1-based line number in <paramref name="File"/>.</param>
/// <param name="Prompt">The messages before the final assistant turn, as the model was asked (with the recipe's
/// default system prompt when the line has none).</param>
/// <param name="Reference">The final assistant turn of the line (empty when it has none).</param>
/// <param name="Completion">What the model answered (special tokens removed).</param>
/// <param name="Item">The whole JSON line, for fields of the recipe's own (unit tests, tags, …).</param>
public sealed record HeldOutAnswer(string Id, string File, int Line, IReadOnlyList<ChatMessage> Prompt, string Reference, string Completion, JsonObject Item);
