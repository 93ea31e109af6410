using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Components;
using DeclarativeSft.Runtime.Evaluation;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Hosting;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Safetensors;
using DeclarativeSft.Runtime.Training;
using DeclarativeSft.Tokenizers;
using DeclarativeSft.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Session;

/// <summary>
/// Everything a recipe turns into at run time, built from a <see cref="RecipeSpec"/> and the command-line overrides:
/// tokenizer, chat template, loss masker, data, model (+ LoRA), trainable parameters, trainer options, device.
/// The text side is built eagerly (cheap, and its errors should come first); data and model on first use.
/// </summary>
public sealed class RecipeSession : IDisposable
{
    private PreparedData? _data;
    private LlamaForCausalLM? _model;
    private TrainableParameters? _trainable;
    private IReadOnlySet<int>? _stopIds;

    /// <summary>The recipe.</summary>
    public RecipeSpec Spec { get; }
    /// <summary>The command line's overrides.</summary>
    public RecipeRunOptions Options { get; }
    /// <summary>The recipe's tokenizer, grown by <c>template.add_special_tokens</c> when asked.</summary>
    public ITokenizer Tokenizer { get; }
    /// <summary>The recipe's chat template.</summary>
    public ChatTemplate Template { get; }
    /// <summary>Renders, tokenizes and labels conversations as the recipe's mask says.</summary>
    public LossMasker Masker { get; }
    /// <summary>The recipe's data section, resolved, with its <c>data.transform</c>: what every reader of its data uses.</summary>
    public DataPipelineOptions DataOptions { get; }
    /// <summary><c>--seed</c> or training.seed.</summary>
    public int Seed => RunSpec.Training.Seed;
    /// <summary><c>--output</c> or output.dir, absolute.</summary>
    public string OutputDir => RunSpec.Output.Dir;
    /// <summary><c>--device</c> or training.device, with <c>auto</c> resolved.</summary>
    public Device Device { get; }

    private RecipeSession(RecipeSpec spec, RecipeRunOptions options, DataTransform? transform)
    {
        TorchRuntime.EnsureInitialized();
        Spec = spec;
        Options = options;
        RunSpec = ApplyOverrides(spec, options);
        CheckDataFiles(spec);
        if (options.Output is not null) CheckOutputOverride(spec, OutputDir);
        Device = ResolveDevice(options.Device ?? spec.Training.Device);
        Tokenizer = RecipeTextPipeline.CreateTokenizer(spec);
        Template = RecipeTextPipeline.CreateTemplate(spec, Tokenizer);
        Masker = new LossMasker(Tokenizer, Template, RecipeTextPipeline.MaskOptions(spec));
        DataOptions = RecipeTextPipeline.DataOptions(spec, Seed, transform);
    }

    /// <summary>Builds the text side of <paramref name="spec"/> (tokenizer, template, masker); data and model follow on use.</summary>
    /// <param name="transform">The recipe's <c>data.transform</c> (its generated program constructs it); required for a
    /// recipe that names one, whatever the command: every flow reads the data through <see cref="DataOptions"/>.</param>
    /// <exception cref="RecipeRunException">The recipe names a <c>data.transform</c> and <paramref name="transform"/> is null.</exception>
    public static RecipeSession Open(RecipeSpec spec, RecipeRunOptions options, DataTransform? transform = null) => new(spec, options, transform);

    /// <summary>Training mix and validation rows (read, split, labelled, truncated, mixed, packed).</summary>
    public PreparedData Data => _data ??= PrepareData();

    /// <summary>Where the prepared data is cached (<c>cache/</c> in the output folder), or null with SFT_DATA_CACHE=off.</summary>
    /// <remarks>Off with a <c>data.transform</c>: its code can change without any input of the cache key changing.</remarks>
    public string? DataCacheFolder => Environment.GetEnvironmentVariable("SFT_DATA_CACHE") is "off" or "0" || Spec.Data.Transform is not null
        ? null : Path.Combine(OutputDir, "cache");

    /// <summary>True when <see cref="Data"/> was read from the preparation cache (nothing it depends on changed).</summary>
    public bool DataFromCache { get; private set; }

    /// <summary>The prepared data from the cache when its key matches, else prepared and stored for the next run.</summary>
    private PreparedData PrepareData()
    {
        int pad = RecipeTextPipeline.PadTokenId(Tokenizer);
        if (DataCacheFolder is not { } folder) return DataPipeline.Prepare(DataOptions, Masker, pad);
        var key = Caching.PreparationCache.Key(RecipeTextPipeline.PreparationInputs(Spec, DataOptions, pad));
        if (Caching.PreparationCache.TryRead(folder, key, DataOptions, pad) is { } cached)
        {
            DataFromCache = true;
            return cached;
        }
        var data = DataPipeline.Prepare(DataOptions, Masker, pad);
        try { Caching.PreparationCache.Write(folder, key, data); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a cache that cannot be written only costs time
        return data;
    }

    /// <summary>The model as the recipe starts it: initialised from a preset and seed, or loaded from model.path;
    /// embeddings grown to the tokenizer's vocabulary; LoRA adapters attached when the recipe has a lora block.</summary>
    public LlamaForCausalLM Model
    {
        get
        {
            if (_model is null)
            {
                _model = CreateBaseModel();
                if (Spec.Lora is { } lora) LoraInjector.Apply(_model, lora, Seed);
                if (Spec.Training.Precision == Precision.Bf16 && Device.type == DeviceType.CUDA) _model.ComputeDType = ScalarType.BFloat16;
            }
            return _model;
        }
    }

    /// <summary>What the optimizer updates: LoRA factors (+ modules_to_save) or every parameter above freeze_layers.</summary>
    public TrainableParameters Trainable => _trainable ??= TrainableParameters.Configure(Model, Spec.Lora, Spec.Training.FreezeLayers);

    /// <summary>One line describing the model: where it comes from and its shape.</summary>
    public string ModelDescription
    {
        get
        {
            var c = Model.Config;
            string origin = Spec.Model.Init is { } init
                ? $"{RecipeNames.NameOf(RecipeNames.ModelPresets, init.Preset)} preset, initialised from seed {init.Seed}"
                : Spec.Model.Path!;
            return $"{c.ArchitectureName} ({origin}): {c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, vocab {c.VocabSize}";
        }
    }

    /// <summary>Where checkpoints go.</summary>
    public string CheckpointsDir => Path.Combine(OutputDir, "checkpoints");

    /// <summary>The newest complete checkpoint of this recipe's output folder, or null.</summary>
    public string? LatestCheckpoint => CheckpointStore.Latest(CheckpointsDir);

    /// <summary>The recipe as this run trains it: <see cref="Spec"/> with the command line's overrides applied, each
    /// where the recipe would say it (<c>--seed</c> → training.seed, <c>--max-steps</c> → training.max_steps,
    /// <c>--output</c> → output.dir (absolute), <c>--resume</c> → output.resume_from_checkpoint).</summary>
    public RecipeSpec RunSpec { get; }

    /// <summary>What the trainer needs besides <see cref="RunSpec"/>: this run's identity and validation tags.</summary>
    /// <param name="stopAfterSteps">Stop as if killed after this many steps (resume tests); null: run to the end.</param>
    public RunContext RunContext(int? stopAfterSteps = null) => new()
    {
        StopAfterSteps = stopAfterSteps,
        RunIdentity = RunIdentity(),
        ValidationTags = Spec.Data.Validation?.Split is not null && Data.Mix.Tags.Count > 1 ? Data.Mix.Tags : null,
    };

    private static RecipeSpec ApplyOverrides(RecipeSpec spec, RecipeRunOptions options)
    {
        var (resume, resumePath) = options.Resume switch
        {
            null => (spec.Output.Resume, spec.Output.ResumePath),
            var o when o.Equals("auto", StringComparison.OrdinalIgnoreCase) => (ResumeMode.Auto, null),
            var o when o.Equals("never", StringComparison.OrdinalIgnoreCase) => (ResumeMode.Never, null),
            var o => (ResumeMode.Path, (string?)Path.GetFullPath(o)),
        };
        return spec with
        {
            Training = spec.Training with { Seed = options.Seed ?? spec.Training.Seed, MaxSteps = options.MaxSteps ?? spec.Training.MaxSteps },
            Output = spec.Output with { Dir = Path.GetFullPath(options.Output ?? spec.Output.Dir), Resume = resume, ResumePath = resumePath },
        };
    }

    /// <summary>What, besides the training settings the trainer reads itself, decides what this run trains: recipe, model, adapters, frozen
    /// layers, precision and the training rows themselves (a digest of their ids, labels and positions, so a change of
    /// data, template, mask, tokenizer or max_seq_len shows).</summary>
    private Dictionary<string, string> RunIdentity()
    {
        var model = Spec.Model.Init is { } init
            ? $"init {RecipeNames.NameOf(RecipeNames.ModelPresets, init.Preset)} seed {init.Seed}"
            : Spec.Model.Path!;
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var row in Data.TrainRows)
            foreach (var part in new[] { row.InputIds, row.Labels, row.PositionIds, row.SegmentIds })
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(part.AsSpan()));
        var rows = Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
        return new Dictionary<string, string>
        {
            ["name"] = Spec.Name,
            ["model"] = model,
            ["lora"] = Spec.Lora is { } l
                ? FormattableString.Invariant($"r {l.R}, alpha {l.Alpha}, dropout {l.Dropout}, targets {l.TargetModules}, rslora {l.UseRslora}, modules_to_save {l.ModulesToSave}")
                : "none (full fine-tuning)",
            ["training.freeze_layers"] = Spec.Training.FreezeLayers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["training.precision"] = Spec.Training.Precision.ToString(),
            ["data (training rows)"] = $"{Data.TrainRows.Count} rows, sha256:{rows}",
            ["data.train (mix)"] = string.Join(", ", Spec.Data.Train.Select(s => s.Weight is double w
                ? FormattableString.Invariant($"{s.Tag} weight {w:R}") : s.Tag)),
        };
    }

    /// <summary>A trainer over this session's model, data and <see cref="RunSpec"/>.</summary>
    /// <param name="stopAfterSteps">Stop as if killed after this many steps (resume tests); null: run to the end.</param>
    public Trainer CreateTrainer(ITrainingProgress progress, int? stopAfterSteps = null)
    {
        var batches = new EpochBatcher(Data.Mix, Spec.Training.MicroBatchSize);
        return new Trainer(Model, Trainable, RunSpec, RunContext(stopAfterSteps), batches, Data.ValidationRows, SampleCodec, progress);
    }

    /// <summary>Prompt encoding, decoding and stop tokens for sample generations.</summary>
    public SampleCodec SampleCodec => new(p => EncodePrompt([new ChatMessage(ChatRoles.User, p)]), Decode, StopIds);

    /// <summary>Ids of <paramref name="messages"/> (the recipe's default system prompt added when they have none),
    /// rendered with the opening of an assistant turn, as the model sees a request at inference.</summary>
    public int[] EncodePrompt(IReadOnlyList<ChatMessage> messages)
    {
        var withSystem = new Conversation(messages, "", 0).WithDefaultSystem(Spec.Template.System).Messages;
        var rendered = Template.Render(withSystem, addGenerationPrompt: true);
        return Tokenizer.Encode(rendered.Text, addSpecialTokens: false);
    }

    /// <summary>Text of generated ids, without the stop token and other special tokens.</summary>
    public string Decode(IReadOnlyList<int> ids) =>
        Tokenizer.Decode(ids.Where(i => !StopIds.Contains(i)), skipSpecialTokens: true);

    /// <summary>Tokens that end a generated answer: the first token of the template's assistant end-of-turn marker, and EOS.</summary>
    public IReadOnlySet<int> StopIds => _stopIds ??= FindStopIds();

    /// <summary>The recipe's evaluators over this session's tokenizer and template.</summary>
    /// <param name="limit">Answer only the first N held-out prompts (quick runs and tests); null = all.</param>
    public RecipeEvaluation CreateEvaluation(IReadOnlyList<IEvaluator> evaluators, int? limit = null) =>
        new(Spec, evaluators, EncodePrompt, Decode, StopIds, limit, DataOptions);

    /// <summary>Copies the trained tensors of a checkpoint folder (trainable.safetensors) into <see cref="Model"/>.</summary>
    public void LoadCheckpointWeights(string checkpointDir)
    {
        var path = Path.Combine(checkpointDir, CheckpointStore.TrainableFile);
        if (!File.Exists(path))
            throw new UserErrorException($"{path}: not found; {checkpointDir} is not a complete checkpoint of this recipe.");
        using var weights = SafetensorsFile.Open(path);
        using var noGrad = torch.no_grad();
        // Each copy disposes its temporaries (TensorSafetensors.CopyInto has its own scope).
        foreach (var (name, t) in Trainable.Trainable)
        {
            if (!weights.Contains(name))
                throw new UserErrorException($"{path}: tensor '{name}' missing: the checkpoint was written with different trainable parameters (LoRA targets or freeze_layers changed). Train again with --resume never.");
            TensorSafetensors.CopyInto(weights, name, t);
        }
    }

    /// <summary>Loads the newest checkpoint's weights into <see cref="Model"/>; returns its folder.</summary>
    /// <exception cref="RecipeRunException">when the output folder has no checkpoint yet.</exception>
    public string LoadLatestCheckpoint()
    {
        var latest = LatestCheckpoint ?? throw new RecipeRunException(
            $"{CheckpointsDir}: no checkpoint yet. Train first (the train command, or run the recipe without a command), or pass the --output of a trained run.");
        LoadCheckpointWeights(latest);
        return latest;
    }

    /// <summary>Frees the model.</summary>
    public void Dispose() => _model?.Dispose();

    /// <summary>Data files that are devices, pipes or folders (data.train: /dev/zero) are refused before any is read.</summary>
    private static void CheckDataFiles(RecipeSpec spec)
    {
        var files = spec.Data.TrainPaths.Select(p => ("data.train", (string?)p))
            .Append(("data.validation.path", spec.Data.Validation?.Path));
        foreach (var (key, path) in files)
            if (path is not null && FileKinds.NotRegular(path) is { } kind)
                throw new RecipeRunException($"{path}: {key} names {kind}, not a regular file; it cannot be read as data. Point {key} at a .jsonl file ({spec.RecipePath}).");
    }

    /// <summary>--output obeys the rule of output.dir (SFT0033): not inside the model folder or a data folder.</summary>
    private static void CheckOutputOverride(RecipeSpec spec, string output)
    {
        bool Inside(string folder) => ExportFolder.Normalize(output) == ExportFolder.Normalize(folder) || ExportFolder.IsInside(output, folder);
        string? Why()
        {
            if (spec.Model.Path is { } model && Inside(model)) return $"inside the model folder '{model}'";
            if (spec.Tokenizer.Path is { } tok && Directory.Exists(tok) && Inside(tok)) return $"inside the tokenizer folder '{tok}'";
            foreach (var data in spec.Data.TrainPaths.Append(spec.Data.Validation?.Path))
            {
                if (data is null || Path.GetDirectoryName(data) is not { } folder) continue;
                if (ExportFolder.Normalize(folder) == ExportFolder.Normalize(spec.RecipeDirectory)) continue; // as SFT0033
                if (Inside(folder)) return $"inside the data folder '{folder}'";
            }
            return null;
        }
        if (Why() is { } why)
            throw new RecipeRunException($"--output '{output}' is {why}; checkpoints would mix with inputs. Choose a folder outside it, e.g. out/{spec.Name}.");
    }

    private LlamaForCausalLM CreateBaseModel()
    {
        if (Spec.Model.Init is { } init)
        {
            var config = ModelPresets.Create(init.Preset, Tokenizer.VocabSize, Tokenizer.BosTokenId, Tokenizer.EosTokenId);
            return LlamaForCausalLM.Initialize(config, init.Seed, Device);
        }
        var model = LlamaForCausalLM.FromPretrained(Spec.Model.Path!, Device);
        return Tokenizer.VocabSize > model.Config.VocabSize ? VocabularyResize.Grow(model, Tokenizer.VocabSize, Seed) : model;
    }

    private HashSet<int> FindStopIds()
    {
        var stops = new HashSet<int>();
        if (Tokenizer.EosTokenId is int eos) stops.Add(eos);
        var probe = Template.Render([new ChatMessage(ChatRoles.User, "x"), new ChatMessage(ChatRoles.Assistant, "y")]);
        foreach (var span in probe.Spans)
        {
            if (span.Kind != SpanKind.EndOfTurn || span.Role != ChatRoles.Assistant) continue;
            var ids = Tokenizer.Encode(probe.TextOf(span), addSpecialTokens: false);
            if (ids.Length > 0) stops.Add(ids[0]);
        }
        return stops;
    }

    private static Device ResolveDevice(string device)
    {
        if (device.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return TorchRuntime.CudaUnavailableReason() is null ? new Device(DeviceType.CUDA, 0) : torch.CPU;
        var parsed = TorchDevices.Parse(device);
        if (parsed.type != DeviceType.CUDA) return parsed;
        if (TorchRuntime.CudaUnavailableReason() is { } why)
            throw new RecipeRunException($"device '{device}' was asked for, but CUDA cannot be used: {why}. Or use --device cpu (or auto).");
        if (parsed.index >= torch.cuda.device_count())
            throw new RecipeRunException($"device '{device}' was asked for, but libtorch sees {torch.cuda.device_count()} CUDA device(s); use cuda:0..cuda:{torch.cuda.device_count() - 1}.");
        return parsed;
    }
}
