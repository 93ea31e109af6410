namespace DeclarativeSft.Jinja;

/// <summary>A tokenizer_config.json could not supply a usable chat template (missing file, bad JSON, no template).</summary>
public sealed class ChatTemplateConfigException(string message) : JinjaException(message);
