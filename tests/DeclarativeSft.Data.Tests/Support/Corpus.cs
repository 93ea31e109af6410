namespace DeclarativeSft.Data.Tests.Support;

/// <summary>Conversations covering the shapes templates must handle: with/without system, multi-turn,
/// unicode, content with surrounding whitespace (which some templates trim), and text that looks like markup.</summary>
internal static class Corpus
{
    public static ChatMessage S(string c) => new(ChatRoles.System, c);
    public static ChatMessage U(string c) => new(ChatRoles.User, c);
    public static ChatMessage A(string c, bool? train = null) => new(ChatRoles.Assistant, c, train);

    public static IReadOnlyList<IReadOnlyList<ChatMessage>> Conversations { get; } =
    [
        [U("What is 7 * 8?"), A("56")],
        [S("You are a Python expert."), U("Write a function to reverse a string."), A("def reverse(s):\n    return s[::-1]")],
        [S("Be brief."), U("Hi"), A("Hello!"), U("And in French?"), A("Bonjour !")],
        [U("  padded question \n"), A("\n padded answer  ")],
        [U("Résumé für 東京 🚀👩‍👩‍👧"), A("こんにちは — naïve café ✓")],
        [U("say user"), A("user assistant user")],
        [S("sys"), U("a"), A("b"), U("c"), A("d"), U("e"), A("f")],
    ];

    public static Conversation AsConversation(IReadOnlyList<ChatMessage> messages, int line = 1) =>
        new(messages, "corpus.jsonl", line);
}
