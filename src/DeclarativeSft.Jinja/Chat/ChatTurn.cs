namespace DeclarativeSft.Jinja;

/// <summary>One message of a conversation as a chat template sees it: <c>{"role": ..., "content": ...}</c>.</summary>
public sealed record ChatTurn(string Role, string Content);
