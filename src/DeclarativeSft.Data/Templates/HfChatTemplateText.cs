using System.Text;

namespace DeclarativeSft.Data;

/// <summary>
/// Pieces of Jinja for writing a <see cref="ChatTemplate"/> as a Hugging Face <c>chat_template</c>. Every piece of text
/// is emitted as a string literal inside <c>{{ … }}</c> and every tag is written without surrounding text, so the
/// result renders the same with and without <c>trim_blocks</c>/<c>lstrip_blocks</c> (transformers sets both).
/// </summary>
internal static class HfChatTemplateText
{
    /// <summary>The current message's role and content inside <see cref="ForMessages"/>.</summary>
    public const string Role = "message['role']";
    public const string Content = "message['content']";

    /// <summary>A Jinja string literal that Python Jinja2 and DeclarativeSft.Jinja both read back as <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("'");
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ' || c == '\u007f') sb.Append("\\x").Append(((int)c).ToString("x2"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('\'').ToString();
    }

    /// <summary><c>{{ a + b + … }}</c> of Jinja expressions; empty literals are left out.</summary>
    public static string Output(params string[] expressions)
    {
        var parts = expressions.Where(e => e != "''").ToArray();
        return parts.Length == 0 ? "" : "{{ " + string.Join(" + ", parts) + " }}";
    }

    /// <summary><c>{{ 'text' }}</c>, or nothing for empty text.</summary>
    public static string Text(string? text) => string.IsNullOrEmpty(text) ? "" : Output(Literal(text!));

    public static string ForMessages(string body) => "{%- for message in messages %}" + body + "{%- endfor %}";

    public static string If(string condition, string then, string? otherwise = null) =>
        "{%- if " + condition + " %}" + then + (otherwise is null ? "" : "{%- else %}" + otherwise) + "{%- endif %}";

    /// <summary>One branch per role: system, user, and every other role as the assistant (as the renderers do).</summary>
    public static string ByRole(string system, string user, string assistant) =>
        "{%- if " + Role + " == " + Literal(ChatRoles.System) + " %}" + system +
        "{%- elif " + Role + " == " + Literal(ChatRoles.User) + " %}" + user +
        "{%- else %}" + assistant + "{%- endif %}";

    public const string NoSystemFirst = "not messages or messages[0]['role'] != 'system'";

    /// <summary>
    /// The recipe's <c>template.system</c> default as a template prelude: a system message put first when the
    /// conversation has none, exactly as <see cref="Conversation.WithDefaultSystem"/> does before rendering.
    /// </summary>
    public static string DefaultSystemPrelude(string? defaultSystem) =>
        string.IsNullOrEmpty(defaultSystem)
            ? ""
            : If(NoSystemFirst, "{%- set messages = [{'role': " + Literal(ChatRoles.System) + ", 'content': " + Literal(defaultSystem!) + "}] + messages %}");
}
