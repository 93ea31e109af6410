using System.Collections.Generic;

namespace DeclarativeSft.Recipes;

/// <summary>
/// Every recipe diagnostic, in one place. IDs are stable: never renumber or reuse one (they are listed in
/// AnalyzerReleases.*.md and docs/diagnostics.md). Messages say what is wrong and what to do.
/// </summary>
public static class RecipeDiagnostics
{
    /// <summary>Category of every recipe diagnostic.</summary>
    public const string Category = "DeclarativeSft.Recipe";

    private static RecipeDiagnosticDescriptor E(string id, string title, string format) => new(id, RecipeSeverity.Error, title, format);
    private static RecipeDiagnosticDescriptor W(string id, string title, string format) => new(id, RecipeSeverity.Warning, title, format);
    private static RecipeDiagnosticDescriptor I(string id, string title, string format) => new(id, RecipeSeverity.Info, title, format);

    // ---- The recipe file itself ----
    public static readonly RecipeDiagnosticDescriptor YamlSyntax = E("SFT0001", "YAML syntax error",
        "YAML syntax error: {0}. Fix the YAML at this position (indent with spaces, close quotes and brackets).");
    public static readonly RecipeDiagnosticDescriptor UnknownKey = E("SFT0002", "Unknown key",
        "Unknown key '{0}' in {1}.{2} Valid keys here: {3}.");
    public static readonly RecipeDiagnosticDescriptor WrongType = E("SFT0003", "Wrong type",
        "'{0}' must be {1}, but is {2}. Write e.g. {0}: {3}.");
    public static readonly RecipeDiagnosticDescriptor OutOfRange = E("SFT0004", "Value out of range",
        "'{0}' is {1}, but must be {2}. {3}");
    public static readonly RecipeDiagnosticDescriptor MissingKey = E("SFT0005", "Missing required key",
        "Missing required key '{0}' in {1}. Add it, e.g. {2}.");
    public static readonly RecipeDiagnosticDescriptor MutuallyExclusive = E("SFT0006", "Mutually exclusive keys",
        "'{0}' and '{1}' cannot both be set. Keep one of them: {2}.");
    public static readonly RecipeDiagnosticDescriptor UnknownValue = E("SFT0007", "Unknown value",
        "Unknown {0} '{1}'.{2} Valid values: {3}.");
    public static readonly RecipeDiagnosticDescriptor AliasKey = I("SFT0008", "Alias of a recipe key",
        "'{0}' is accepted as an alias of '{1}'. Write '{1}' (the canonical name) to silence this.");
    public static readonly RecipeDiagnosticDescriptor DuplicateKey = E("SFT0009", "Duplicate key",
        "Key '{0}' appears more than once in {1} (first at line {2}). Remove one of them.");

    // ---- Model folder ----
    public static readonly RecipeDiagnosticDescriptor ModelConfigMissing = E("SFT0010", "Model config.json missing",
        "Model folder '{0}' has no config.json (the folder or the file does not exist). Point model.path at a Hugging Face checkpoint folder, or use model.init for a model trained from scratch.");
    public static readonly RecipeDiagnosticDescriptor JsonFileUnreadable = E("SFT0011", "JSON file unreadable",
        "'{0}' cannot be read: {1}. Replace it with the original file of the checkpoint.");
    public static readonly RecipeDiagnosticDescriptor UnsupportedArchitecture = E("SFT0012", "Unsupported architecture",
        "Model architecture '{0}' (config.json) is not supported. Supported: {1}. Choose a model of one of these families.");
    public static readonly RecipeDiagnosticDescriptor UnknownLoraTarget = E("SFT0013", "Not a module of the model",
        "'{0}' is not a module of {1}.{2} Valid names for {3}: {4}.");
    public static readonly RecipeDiagnosticDescriptor TokenizerMissing = E("SFT0014", "Tokenizer missing",
        "Tokenizer file '{0}' not found. {1}");
    public static readonly RecipeDiagnosticDescriptor NoChatTemplate = E("SFT0015", "No chat_template for from-tokenizer",
        "template.format is from-tokenizer, but '{0}' has no chat_template. Choose a named format (chatml, llama3, alpaca, human-assistant) or format: custom with tokens.");
    public static readonly RecipeDiagnosticDescriptor TemplateMismatch = W("SFT0016", "Template differs from the model's",
        "template.format '{0}' differs from the model's own chat_template (it has no '{1}'{2}). Use format: from-tokenizer{3} unless you mean to teach a new format; the export will carry the recipe's format ('{0}') as its chat_template, not the model's.");
    public static readonly RecipeDiagnosticDescriptor TokenNotInVocab = E("SFT0017", "Template token not in vocabulary",
        "Custom template token '{0}' is not in the tokenizer's vocabulary ('{1}'); it would be split into pieces. Set template.add_special_tokens: true, or use tokens the vocabulary has.");
    public static readonly RecipeDiagnosticDescriptor NewTokensFrozenEmbeddings = E("SFT0018", "New tokens need trainable embeddings",
        "template.add_special_tokens adds new tokens, but their embeddings would stay random: with LoRA, add them to lora.modules_to_save: [embed_tokens, lm_head].");
    public static readonly RecipeDiagnosticDescriptor TrainEosOff = W("SFT0019", "End of turn not trained",
        "mask.train_eos is false: the model will not learn to stop and may ramble until max_new_tokens. Set mask.train_eos: true unless that is intended.");

    // ---- Data files (reported at the data file's line) ----
    public static readonly RecipeDiagnosticDescriptor DataFileMissing = E("SFT0020", "Data file missing",
        "Data file '{0}' not found. Check the path (relative paths start at the recipe's folder).");
    public static readonly RecipeDiagnosticDescriptor DataLineNotJson = E("SFT0021", "Data line is not JSON",
        "Line is not a JSON object: {0}. Each line of a .jsonl file must be one complete JSON object.");
    public static readonly RecipeDiagnosticDescriptor DataMissingField = E("SFT0022", "Data field missing or wrong",
        "{0} for data.format {1}. Expected: {2}.");
    public static readonly RecipeDiagnosticDescriptor DataUnknownRole = E("SFT0023", "Unknown role",
        "Unknown role '{0}'.{1} Valid roles for data.format {2}: {3}.");
    public static readonly RecipeDiagnosticDescriptor DataWrongOrder = E("SFT0024", "Wrong turn order",
        "{0}.");
    public static readonly RecipeDiagnosticDescriptor NoTrainableToken = E("SFT0025", "No trainable token",
        "Example has no trainable token under mask.train_on: {0}{1}; it would add nothing to training. {2}");
    public static readonly RecipeDiagnosticDescriptor ExampleTooLong = E("SFT0026", "Example longer than max_seq_len",
        "Example has {0} tokens, over data.max_seq_len {1}, and data.truncation is error. Shorten it, raise max_seq_len, or set truncation: drop | truncate.");
    public static readonly RecipeDiagnosticDescriptor EmptyValidation = E("SFT0027", "Validation split is empty",
        "data.validation.split {0} of {1} examples leaves {2} examples for {3}. Use a larger split, more data, or validation: {{ path: … }}.");
    public static readonly RecipeDiagnosticDescriptor BatchLargerThanData = E("SFT0028", "Effective batch larger than the data",
        "Effective batch {0} (micro_batch_size {1} × gradient_accumulation_steps {2}) is larger than the {3} training examples. Lower micro_batch_size or gradient_accumulation_steps.");
    public static readonly RecipeDiagnosticDescriptor WarmupTooLong = E("SFT0029", "Warmup covers the whole run",
        "Warmup of {0} steps is not shorter than the {1} total optimizer steps ({2}); the learning rate would never reach its peak. Lower warmup_steps/warmup_ratio.");
    public static readonly RecipeDiagnosticDescriptor MemoryOverBudget = E("SFT0030", "Memory estimate over budget",
        "Estimated memory {0} exceeds memory_budget {1}: weights {2} + gradients {3} + optimizer {4} + activations {5}. Lower micro_batch_size or max_seq_len, enable gradient_checkpointing, use LoRA or bf16.");
    public static readonly RecipeDiagnosticDescriptor LearningRateUnusual = W("SFT0031", "Learning rate outside the usual range",
        "learning_rate {0} is outside the usual range {1} for {2}. {3}");
    public static readonly RecipeDiagnosticDescriptor TooManyEpochs = W("SFT0032", "Many epochs",
        "{0} epochs over the same data risks overfitting and forgetting what the model knew. Use 1–3 epochs, or add data.replay / regularization.");
    public static readonly RecipeDiagnosticDescriptor OutputInsideInputs = E("SFT0033", "Output inside an input folder",
        "output.dir '{0}' is inside the {1} folder '{2}'; checkpoints would mix with inputs. Choose a folder outside it, e.g. out/<name>.");
    public static readonly RecipeDiagnosticDescriptor NoExamples = E("SFT0034", "Data file has no examples",
        "Data file '{0}' has no examples. Add one JSON object per line, or remove the file from the recipe.");
    public static readonly RecipeDiagnosticDescriptor InternalError = E("SFT0035", "Internal error",
        "Internal error while checking the recipe ({0}). Please report it; run `sft validate` for details.");
    public static readonly RecipeDiagnosticDescriptor KlToBaseNeedsLora = E("SFT0036", "kl_to_base needs LoRA",
        "regularization.kl_to_base is {0}, but the recipe has no lora section: the base model's distribution comes from the same weights with the adapters switched off, so full fine-tuning has no base to compare with. Add a lora section, or use regularization.l2_to_base for full fine-tuning.");

    public static readonly RecipeDiagnosticDescriptor ConfigValueImpossible = E("SFT0037", "Impossible config.json value",
        "config.json's '{0}' is {1}, but must be {2}: {3}. Restore the checkpoint's original config.json.");
    public static readonly RecipeDiagnosticDescriptor SeqLenOverModelContext = W("SFT0038", "max_seq_len beyond the model's context",
        "data.max_seq_len {0} is above the model's max_position_embeddings {1} (config.json): positions past {1} were never trained and quality degrades there. Lower max_seq_len to {1} or less unless you mean to extend the context.");
    public static readonly RecipeDiagnosticDescriptor ValidationIsTrainingFile = W("SFT0039", "Validation file is a training file",
        "data.validation.path '{0}' is also in data.train: the validation loss would measure memorisation, not how the model does on unseen examples. Use a separate file, or validation: {{ split: 0.05 }}.");

    // ---- The run's own pipeline at build time (tokenizer, template, mask, truncation), at the data line ----
    public static readonly RecipeDiagnosticDescriptor TruncatedToNothing = W("SFT0040", "Truncation leaves no trained token",
        "After truncation to data.max_seq_len {0} tokens this example has no trained token left (it has {1} tokens; the first trained one is token {2}): it would cost compute and teach nothing. Raise max_seq_len, shorten the prompt, or set data.truncation: drop.");
    public static readonly RecipeDiagnosticDescriptor ExamplesDropped = W("SFT0041", "Examples dropped as too long",
        "{0} example(s) of this file are longer than data.max_seq_len {1} and are left out (data.truncation: drop), at line(s) {2}. Raise max_seq_len, shorten them, or set data.truncation: truncate.");
    public static readonly RecipeDiagnosticDescriptor EndOfTurnNotTrained = W("SFT0042", "End of turn not trained",
        "{0} example(s) of this file do not train the assistant's end-of-turn token although mask.train_eos is true ({1}), at line(s) {2}: the model does not learn to stop from them. Raise data.max_seq_len or shorten them.");
    public static readonly RecipeDiagnosticDescriptor ChatTemplateSyntax = E("SFT0043", "Chat template does not parse",
        "The model's chat_template does not parse: {0}. template.format: from-tokenizer renders the data with it; fix the template or choose a named format.");
    public static readonly RecipeDiagnosticDescriptor DataNotUtf8 = E("SFT0044", "Data file is not valid UTF-8 or holds U+FFFD",
        "{0}. Training stops at this line with the same message.");
    public static readonly RecipeDiagnosticDescriptor TokenizerUnloadable = E("SFT0045", "Tokenizer cannot be loaded",
        "{0}. The data cannot be tokenized at build time, and training would fail the same way.");
    public static readonly RecipeDiagnosticDescriptor TemplateCannotRender = E("SFT0046", "Chat template cannot render the example",
        "{0}");
    public static readonly RecipeDiagnosticDescriptor NotARegularFile = E("SFT0047", "Not a regular file",
        "{0} '{1}' is {2}, not a regular file: it cannot be read (a device such as /dev/zero would be read forever, a named pipe waits for a writer). Point {0} at a file.");
    // ---- Components named by the recipe, checked against the recipe project's C# (SFT0070–SFT0079) ----
    public static readonly RecipeDiagnosticDescriptor UnknownComponent = E("SFT0070", "Unknown component",
        "{0} '{1}' is neither a built-in {2} nor a class of this project.{3} Built-in: {4}. Or write a class implementing {5} in the recipe project and name it here.");
    public static readonly RecipeDiagnosticDescriptor WrongComponentKind = E("SFT0071", "Component of the wrong kind",
        "{0} '{1}' is the class {2}, which does not implement {3}{4}. Implement {3} in it, or name a class that does.");
    public static readonly RecipeDiagnosticDescriptor ComponentNotConstructible = E("SFT0072", "Component cannot be constructed",
        "{0} '{1}' ({2}) cannot be constructed by the generated program: {3}. Give it a public constructor taking no arguments or a DeclarativeSft.Recipes.RecipeSpec.");
    public static readonly RecipeDiagnosticDescriptor ComponentNotAccessible = E("SFT0073", "Component not accessible",
        "{0} '{1}' ({2}) is {3}, so the generated program cannot use it. Make it public or internal{4}.");
    public static readonly RecipeDiagnosticDescriptor AmbiguousComponent = E("SFT0074", "Ambiguous component name",
        "{0} '{1}' matches several classes: {2}. Write the full name of the one you mean.");
    public static readonly RecipeDiagnosticDescriptor DuplicateComponent = W("SFT0075", "Component named twice",
        "{0} '{1}' is named more than once (first at line {2}); its metrics would be shown twice. Remove one.");
    public static readonly RecipeDiagnosticDescriptor ComponentsNeedRuntime = E("SFT0076", "Components need the training runtime",
        "{0} '{1}' is a class of the recipe project, but this project does not reference DeclarativeSft.Runtime (RecipeReferenceRuntime=false), which runs components. Reference the runtime, or name only built-ins.");
    public static readonly RecipeDiagnosticDescriptor TransformNotSeenByBuild = I("SFT0077", "Build-time data checks see the data before data.transform",
        "data.transform '{0}' is C# of this project, which neither the build nor sft can run: their data checks (the build's SFT0020–SFT0046, sft lint's dataset report) read the data files as they are, before the transform. The run applies it to every conversation and then checks the result with the same rules (a transformed example with nothing to train, or too long under truncation: error, stops the run at its file:line).");
    public static readonly RecipeDiagnosticDescriptor CustomLinesSeenAsJson = I("SFT0078", "Build-time data checks see data.format custom lines only as JSON",
        "data.format is custom: the build checks each line of the data files only as UTF-8 JSON, because data.transform '{0}' (C# of this project, which neither the build nor sft can run) makes the conversations. The run checks every conversation it returns (turn order, nothing to train, length under max_seq_len) and stops at its file:line; the dataset checks of data.quality and sft lint need conversations and do not run on these files.");
    // ---- Data mixing and dataset quality (SFT0050–SFT0059) ----
    public static readonly RecipeDiagnosticDescriptor DuplicateSourceTag = E("SFT0050", "Duplicate data source tag",
        "Tag '{0}' is already used by the data.train source at line {1}: per-tag losses and reports could not tell them apart. Give this source its own tag, e.g. tag: {0}-2.");
    public static readonly RecipeDiagnosticDescriptor SourceWeightMissing = E("SFT0051", "Data source without a weight",
        "data.train source '{0}' has no weight, but source '{1}' has one: either every source has a weight (its share of the mix) or none has (each example once per epoch). Add e.g. weight: 0.2.");
    public static readonly RecipeDiagnosticDescriptor ReplayIsASource = W("SFT0052", "data.replay is a weighted data.train source",
        "data.replay is the old form of a weighted source; it is read as: train: [{{ path: {0}, weight: {1}, tag: {2} }}, {{ path: {3}, weight: {4}, tag: {5} }}]. Write that list under data.train and remove data.replay.");
    public static readonly RecipeDiagnosticDescriptor DuplicateExample = W("SFT0053", "Duplicate example",
        "This example {0} line {1} of {2}: a duplicate counts twice in training and can leak into the validation split. Keep one of them (or set data.quality.{3}: off).");
    public static readonly RecipeDiagnosticDescriptor FormatCollapse = W("SFT0054", "One answer to many prompts",
        "The assistant answer of this example is also the answer to {0} other prompts (lines {1}): the model learns to give it whatever is asked (format collapse). Vary the answers or drop the copies.");
    public static readonly RecipeDiagnosticDescriptor TemplateMarkerInContent = W("SFT0055", "Template marker inside message content",
        "Message {0} ({1}) contains '{2}', {3}: rendered, it becomes structure ({4}). Remove it from the content; the template adds its own markers.");
    public static readonly RecipeDiagnosticDescriptor SuspiciousContent = W("SFT0056", "Empty turn or unprintable characters",
        "Message {0} ({1}) {2}. {3}");
    public static readonly RecipeDiagnosticDescriptor TruncationVictim = W("SFT0057", "Example dropped, cut or left untrained by max_seq_len",
        "This example has {0} tokens, more than data.max_seq_len {1}: {2}. Raise max_seq_len, shorten or split the example.");
    public static readonly RecipeDiagnosticDescriptor DatasetDistribution = W("SFT0058", "Response lengths or trained-token share",
        "Source '{0}': {1}. {2}");
    public static readonly RecipeDiagnosticDescriptor InconsistentDataset = W("SFT0059", "Roles or format inconsistent across the file",
        "This example {0}, unlike {1} of the {2} examples of '{3}'. {4}");

    /// <summary>Every descriptor, by ID order.</summary>
    public static IReadOnlyList<RecipeDiagnosticDescriptor> All { get; } = new[]
    {
        YamlSyntax, UnknownKey, WrongType, OutOfRange, MissingKey, MutuallyExclusive, UnknownValue, AliasKey, DuplicateKey,
        ModelConfigMissing, JsonFileUnreadable, UnsupportedArchitecture, UnknownLoraTarget, TokenizerMissing, NoChatTemplate,
        TemplateMismatch, TokenNotInVocab, NewTokensFrozenEmbeddings, TrainEosOff, DataFileMissing, DataLineNotJson,
        DataMissingField, DataUnknownRole, DataWrongOrder, NoTrainableToken, ExampleTooLong, EmptyValidation,
        BatchLargerThanData, WarmupTooLong, MemoryOverBudget, LearningRateUnusual, TooManyEpochs, OutputInsideInputs,
        NoExamples, InternalError, KlToBaseNeedsLora, ConfigValueImpossible, SeqLenOverModelContext,
        ValidationIsTrainingFile, TruncatedToNothing, ExamplesDropped, EndOfTurnNotTrained, ChatTemplateSyntax, DataNotUtf8,
        TokenizerUnloadable, TemplateCannotRender, NotARegularFile,
        DuplicateSourceTag, SourceWeightMissing, ReplayIsASource, DuplicateExample, FormatCollapse, TemplateMarkerInContent,
        SuspiciousContent, TruncationVictim, DatasetDistribution, InconsistentDataset,
        UnknownComponent, WrongComponentKind, ComponentNotConstructible, ComponentNotAccessible, AmbiguousComponent,
        DuplicateComponent, ComponentsNeedRuntime, TransformNotSeenByBuild, CustomLinesSeenAsJson,
    };
}
