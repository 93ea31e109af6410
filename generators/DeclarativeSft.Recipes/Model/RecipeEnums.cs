using System;

namespace DeclarativeSft.Recipes;

/// <summary>Size preset for a model trained from scratch (<c>model.init.preset</c>).</summary>
public enum ModelPreset { Tiny, Small }

/// <summary>Where the tokenizer comes from (<c>tokenizer</c>).</summary>
public enum TokenizerSource
{
    /// <summary><c>model</c>: the tokenizer files of the model folder.</summary>
    Model,
    /// <summary>A path to tokenizer.json or to a folder holding it.</summary>
    Path,
    /// <summary><c>builtin:bytes</c>: 256 byte tokens plus the template's special tokens.</summary>
    BuiltinBytes,
}

/// <summary>Chat template (<c>template.format</c>).</summary>
public enum TemplateFormat { ChatMl, Llama3, Alpaca, HumanAssistant, FromTokenizer, Custom }

// mask.train_on, data.format and data.truncation are DeclarativeSft.Data's LossMaskMode, DatasetFormat and
// TruncationMode: the data pipeline that trains (and that the build runs) owns them, with their recipe spellings.

/// <summary>Learning-rate schedule (<c>training.lr_scheduler</c>).</summary>
public enum LrScheduler { Cosine, Linear, Constant }

/// <summary>Training precision (<c>training.precision</c>).</summary>
public enum Precision { Fp32, Bf16 }

/// <summary>What the run writes at the end (<c>output.save</c>); a set.</summary>
[Flags]
public enum SaveKind { None = 0, Adapter = 1, Merged = 2, Full = 4 }

/// <summary>Checkpoint resume policy (<c>output.resume_from_checkpoint</c>).</summary>
public enum ResumeMode { Auto, Never, Path }

/// <summary>
/// Modules of a Llama-family decoder, as a set: LoRA targets (<c>lora.target_modules</c>, the seven linear
/// projections) and fully trained extras (<c>lora.modules_to_save</c>: embeddings and LM head).
/// </summary>
[Flags]
public enum ModelModules
{
    None = 0,
    QProj = 1, KProj = 2, VProj = 4, OProj = 8, GateProj = 16, UpProj = 32, DownProj = 64,
    /// <summary><c>all-linear</c>: every projection of every decoder layer.</summary>
    AllLinear = QProj | KProj | VProj | OProj | GateProj | UpProj | DownProj,
    EmbedTokens = 128,
    LmHead = 256,
}

/// <summary>Severity of one dataset check (<c>data.quality.&lt;check&gt;</c>).</summary>
public enum QualitySeverity
{
    /// <summary>Not set in the recipe: the check's own default.</summary>
    Default,
    /// <summary><c>off</c>: the check does not run.</summary>
    Off,
    /// <summary><c>info</c>.</summary>
    Info,
    /// <summary><c>warning</c>.</summary>
    Warning,
    /// <summary><c>error</c>: <c>sft lint</c> exits 1.</summary>
    Error,
}
