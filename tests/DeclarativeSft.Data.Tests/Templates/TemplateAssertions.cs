namespace DeclarativeSft.Data.Tests.Templates;

internal static class TemplateAssertions
{
    /// <summary>The spans tile the text: contiguous, non-empty, from 0 to Text.Length.</summary>
    public static void SpansTileText(RenderedConversation r)
    {
        int at = 0;
        foreach (var s in r.Spans)
        {
            Assert.Equal(at, s.Start);
            Assert.True(s.End > s.Start, $"empty span at {s.Start}");
            at = s.End;
        }
        Assert.Equal(r.Text.Length, at);
        Assert.Equal(r.Text, string.Concat(r.Spans.Select(r.TextOf)));
    }

    /// <summary>Each message's content span holds its content (or the trimmed content, for trimming templates);
    /// each assistant message has an end-of-turn span right after its content.</summary>
    public static void ContentSpansMatchMessages(RenderedConversation r, IReadOnlyList<ChatMessage> messages, bool trims)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var content = r.Spans.Where(s => s.MessageIndex == i && s.Kind == SpanKind.Content).ToList();
            string expected = trims ? messages[i].Content.Trim() : messages[i].Content;
            Assert.Equal(expected, string.Concat(content.Select(r.TextOf)));
            Assert.All(r.Spans.Where(s => s.MessageIndex == i), s => Assert.Equal(messages[i].Role, s.Role));
            if (messages[i].Role == ChatRoles.Assistant)
            {
                int after = r.Spans.ToList().IndexOf(content[^1]) + 1;
                Assert.True(after < r.Spans.Count && r.Spans[after].Kind == SpanKind.EndOfTurn && r.Spans[after].MessageIndex == i,
                    $"assistant message {i} has no end-of-turn span after its content");
            }
        }
    }
}
