using System.Text;
using DeclarativeSft.Data;
using DeclarativeSft.Jinja;
using DeclarativeSft.Tokenizers;

namespace DeclarativeSft.Runtime.Export;

/// <summary>
/// The check an export makes before anything is written: training examples rendered with the exported
/// <c>chat_template</c> (DeclarativeSft.Jinja, as transformers renders: trim_blocks, lstrip_blocks, the special tokens of
/// the exported tokenizer_config.json) and tokenized with the exported <c>tokenizer.json</c> (no special tokens added,
/// as <c>apply_chat_template</c> tokenizes) must give exactly the ids training used; and a prompt with
/// <c>add_generation_prompt</c> must give the ids the model was sampled with during training.
/// </summary>
public static class ExportProof
{
    /// <summary>Checks <paramref name="exported"/> on <paramref name="samples"/> (conversations as read, before the
    /// default system prompt); returns how many were compared.</summary>
    /// <param name="masker">The recipe's masker: its <see cref="LossMasker.Label(Conversation)"/> ids are the training ids.</param>
    /// <param name="tokenizer">The recipe's tokenizer (for the generation prompt's training ids).</param>
    /// <exception cref="InvalidDataException">An example's ids differ (the message names it and the first difference).</exception>
    public static int Verify(ExportedTokenizer exported, IEnumerable<Conversation> samples, string? defaultSystem, LossMasker masker, ITokenizer tokenizer)
    {
        const string configName = "exported tokenizer_config.json";
        var chat = HfChatTemplate.FromTokenizerConfigText(exported.TokenizerConfigJson, configName);
        var exportedTokenizer = HfTokenizer.FromJson(Encoding.UTF8.GetBytes(exported.TokenizerJson), Encoding.UTF8.GetBytes(exported.TokenizerConfigJson),
            "exported tokenizer.json", configName);
        int count = 0;
        foreach (var sample in samples)
        {
            LabeledExample training;
            try { training = masker.Label(sample.WithDefaultSystem(defaultSystem)); }
            catch (DataFormatException) { continue; } // training rejects it too
            string text = Render(chat, sample, sample.Messages, false);
            Compare(sample, "", training.InputIds, exportedTokenizer.Encode(text, addSpecialTokens: false), tokenizer, exportedTokenizer,
                masker.Template.Render(sample.WithDefaultSystem(defaultSystem).Messages).Text, text);

            int lastAssistant = LastIndexOf(sample.Messages, ChatRoles.Assistant);
            if (lastAssistant > 0)
            {
                var prompt = sample.Messages.Take(lastAssistant).ToList();
                var trainingPrompt = masker.Template.Render(new Conversation(prompt, "", 0).WithDefaultSystem(defaultSystem).Messages, addGenerationPrompt: true).Text;
                string exportedPrompt = Render(chat, sample, prompt, true);
                Compare(sample, " (its messages before the last assistant turn, with add_generation_prompt)",
                    tokenizer.Encode(trainingPrompt, addSpecialTokens: false), exportedTokenizer.Encode(exportedPrompt, addSpecialTokens: false),
                    tokenizer, exportedTokenizer, trainingPrompt, exportedPrompt);
            }
            count++;
        }
        return count;
    }

    private static string Render(HfChatTemplate chat, Conversation sample, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        try { return chat.Render(messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList(), addGenerationPrompt); }
        catch (JinjaException e)
        {
            throw new ExportProofException($"{sample.Location}: the exported chat_template fails on this training example: {e.Message}; nothing was exported.");
        }
    }

    private static void Compare(Conversation sample, string what, int[] expected, int[] actual, ITokenizer trainingTokenizer, ITokenizer exportedTokenizer,
        string trainingText, string exportedText)
    {
        int n = Math.Min(expected.Length, actual.Length);
        int at = 0;
        while (at < n && expected[at] == actual[at]) at++;
        if (at == n && expected.Length == actual.Length) return;
        string Token(ITokenizer t, int[] ids) => at < ids.Length ? $"{ids[at]} {Quote(t.IdToToken(ids[at]) ?? "?")}" : "(end)";
        int c = 0;
        while (c < trainingText.Length && c < exportedText.Length && trainingText[c] == exportedText[c]) c++;
        string textDiff = c == trainingText.Length && c == exportedText.Length
            ? "the texts are the same, so the tokenizers differ"
            : $"the texts differ from character {c}: training {Quote(Snippet(trainingText, c))}, export {Quote(Snippet(exportedText, c))}";
        throw new ExportProofException(
            $"{sample.Location}: the exported chat_template and tokenizer.json do not reproduce the training ids of this example{what}: " +
            $"first difference at token {at} of {expected.Length} (training {Token(trainingTokenizer, expected)}, export {Token(exportedTokenizer, actual)}); " +
            $"{textDiff}. Nothing was exported; the previous export, if any, is unchanged.");
    }

    private static string Snippet(string text, int at) => text.Length - at <= 40 ? text[at..] : text.Substring(at, 40) + "…";

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static int LastIndexOf(IReadOnlyList<ChatMessage> messages, string role)
    {
        for (int i = messages.Count - 1; i >= 0; i--)
            if (messages[i].Role == role) return i;
        return -1;
    }
}

/// <summary>The exported tokenizer files and chat_template do not reproduce a training example's ids: nothing was exported.</summary>
public sealed class ExportProofException(string message) : UserErrorException(message);
