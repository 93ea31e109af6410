namespace DeclarativeSft.Jinja.Tests;

/// <summary>Conversations that exercise the paths real chat templates take.</summary>
public static class ChatCorpus
{
    private static ChatTurn S(string c) => new("system", c);
    private static ChatTurn U(string c) => new("user", c);
    private static ChatTurn A(string c) => new("assistant", c);

    public static IReadOnlyList<(string Name, ChatTurn[] Messages)> Conversations { get; } =
    [
        ("single user", [U("Hello!")]),
        ("system + user", [S("You are a helpful assistant."), U("What is 2+2?")]),
        ("user + assistant", [U("Hi"), A("Hello! How can I help?")]),
        ("system multi-turn user-last", [S("Be brief."), U("Name a colour."), A("Blue."), U("Another one?")]),
        ("system multi-turn assistant-last", [S("Be brief."), U("Name a colour."), A("Blue."), U("Another?"), A("Green.")]),
        ("long multi-turn no system", [U("1"), A("one"), U("2"), A("two"), U("3"), A("three"), U("4")]),
        ("unicode", [S("Réponds en français 🇫🇷."), U("日本語で説明して。مرحبا 👩‍👩‍👧‍👦 é (e\u0301) Ωμέγα"), A("はい！🙂 ñandú — “quotes” ‘single’")]),
        ("quotes backslashes newlines", [U("He said \"hi\" and 'bye'.\nPath: C:\\temp\\new\\table\n\nTabs:\tend"), A("Echo: \"hi\" \\n is not a newline\r\nbut this\nis")]),
        ("surrounding whitespace in prompts", [S("  padded system  \n"), U("\n\n  spaced user question   \n"), A("answer with trailing space and newline \n")]),
        ("empty contents", [U(""), A("")]),
        ("template-like content", [U("{{ not a tag }} {% neither %} {# nor #} <|im_start|> <start_of_turn> [INST]"), A("<think>\nsome reasoning\n</think>\n\nthe answer")]),
        ("reasoning in history", [U("q1"), A("<think>\nr1\n</think>\n\na1"), U("q2"), A("<think>\nr2\n</think>\n\na2")]),
        ("tool turns", [U("weather in Paris?"), A("Let me check."), new ChatTurn("tool", "{\"temp\": 21}"), new ChatTurn("tool", "sunny"), A("21°C and sunny.")]),
        ("assistant first", [A("I start."), U("ok")]),
        ("two users in a row", [U("first"), U("second")]),
        ("system only", [S("Only a system prompt.")]),
        ("long content", [U(string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 200))), A(string.Join("\n", Enumerable.Range(0, 100).Select(i => $"line {i}: value={i * i}")))]),
    ];
}
