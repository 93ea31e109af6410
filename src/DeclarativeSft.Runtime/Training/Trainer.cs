using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Export;
using DeclarativeSft.Runtime.Generation;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Reporting;
using DeclarativeSft.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Training;

/// <summary>What a training run ended with.</summary>
public sealed record TrainingResult(int Steps, int TotalSteps, double? InitialValLoss, double? FinalValLoss, long TrainedTokens,
    bool StoppedEarly, bool Interrupted, string? LastCheckpoint, IReadOnlyList<(string Prompt, string Completion)> Samples);

/// <summary>Turns sample prompts into ids and generated ids back into text (from the recipe's tokenizer and template).</summary>
public sealed record SampleCodec(Func<string, int[]> EncodePrompt, Func<IReadOnlyList<int>, string> Decode, IReadOnlySet<int> StopIds);

/// <summary>
/// The training loop, one method read top to bottom (nanoGPT style): set the learning rate → evaluate / sample /
/// checkpoint when due → accumulate micro-batches → clip → optimizer step → log → stop.
/// </summary>
public sealed class Trainer
{
    private readonly LlamaForCausalLM _model;
    private readonly TrainableParameters _params;
    private readonly TrainingSpec _training;
    private readonly RegularizationSpec _regularization;
    private readonly EvalSpec _eval;
    private readonly OutputSpec _output;
    private readonly RunContext _run;
    private readonly string? _adapterConfigJson;
    private readonly EpochBatcher _batches;
    private readonly IReadOnlyList<PackedRow> _validation;
    private readonly int _microBatchSize;
    private readonly SampleCodec? _samples;
    private readonly ITrainingProgress _progress;

    /// <param name="spec">The recipe, with the command line's overrides applied (<c>RecipeSession.RunSpec</c>): the
    /// trainer reads its training, regularization, eval and output sections (and lora, for adapter_config.json).</param>
    /// <param name="run">What the run knows that the recipe does not say.</param>
    public Trainer(LlamaForCausalLM model, TrainableParameters parameters, RecipeSpec spec, RunContext run, EpochBatcher batches,
        IReadOnlyList<PackedRow> validation, SampleCodec? samples, ITrainingProgress progress)
    {
        (_model, _params, _batches, _validation, _samples, _progress) = (model, parameters, batches, validation, samples, progress);
        (_training, _regularization, _eval, _output, _run) = (spec.Training, spec.Regularization, spec.Eval, spec.Output, run);
        _microBatchSize = spec.Training.MicroBatchSize;
        // Written into every checkpoint of a LoRA run, so `sft export --checkpoint` works.
        _adapterConfigJson = spec.Lora is { } lora
            ? PeftAdapter.ConfigJson(lora, spec.Model.Path).ToJsonString(new JsonSerializerOptions { WriteIndented = true })
            : null;
        if (_regularization.KlToBase > 0 && !model.Projections().Any(p => p.Layer.Lora is not null))
            throw new ArgumentException("regularization.kl_to_base needs LoRA (the base distribution is the model with adapters disabled); use l2_to_base for full fine-tuning");
    }

    /// <summary>Optimizer steps of the whole run: epochs × micro-batches per epoch / accumulation, capped by max_steps.</summary>
    public int TotalSteps
    {
        get
        {
            int steps = (int)Math.Ceiling((double)_batches.TotalBatches(_training.Epochs) / _training.GradientAccumulationSteps);
            return Math.Max(1, _training.MaxSteps is { } m ? Math.Min(m, steps) : steps);
        }
    }

    private bool _prepared;
    private string? _resumeFrom;
    private ProcessLock? _lock;

    /// <summary>The checkpoint this run resumes from (after <see cref="PrepareOutput"/>), or null for a fresh start.</summary>
    public string? ResumeFrom { get { PrepareOutput(); return _resumeFrom; } }

    /// <summary>Where the previous run's files were moved by <see cref="PrepareOutput"/> (a fresh start in a used folder).</summary>
    public string? MovedAside { get; private set; }

    /// <summary>
    /// Readies the output folder once, before anything is written to it: takes its lock (a second run on the folder
    /// refuses), removes what interrupted writes left, picks the checkpoint to resume and checks it belongs to this run,
    /// and on a fresh start moves an earlier run's files to previous-runs/ so the two are never mixed.
    /// </summary>
    public void PrepareOutput()
    {
        if (_prepared) return;
        _lock ??= ProcessLock.Acquire(_output.Dir);
        try { Prepare(); }
        catch { _lock.Dispose(); _lock = null; throw; }
        _prepared = true;
    }

    private void Prepare()
    {
        RunFolder.CleanLeftovers(_output.Dir);
        var checkpointsDir = Path.Combine(_output.Dir, "checkpoints");
        _resumeFrom = _output.Resume switch
        {
            ResumeMode.Path => _output.ResumePath,
            ResumeMode.Auto => CheckpointStore.Latest(checkpointsDir),
            _ => null,
        };
        if (_resumeFrom is not null)
        {
            var statePath = Path.Combine(_resumeFrom, CheckpointStore.StateFile);
            if (!File.Exists(statePath))
                throw new UserErrorException($"{_resumeFrom}: not a complete checkpoint ({CheckpointStore.StateFile} missing).");
            RunFolder.CheckSameRun(_resumeFrom, TrainerState.Load(statePath), Identity(), _output.Dir);
        }
        else MovedAside = RunFolder.MoveAside(_output.Dir);
    }

    /// <summary>The settings that decide what training computes, recipe key → value (stored in each checkpoint).</summary>
    public SortedDictionary<string, string> Identity()
    {
        string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var id = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["training.seed"] = _training.Seed.ToString(CultureInfo.InvariantCulture),
            ["training.epochs"] = _training.Epochs.ToString(CultureInfo.InvariantCulture),
            ["training.micro_batch_size"] = _microBatchSize.ToString(CultureInfo.InvariantCulture),
            ["training.gradient_accumulation_steps"] = _training.GradientAccumulationSteps.ToString(CultureInfo.InvariantCulture),
            ["training.learning_rate"] = D(_training.LearningRate),
            ["training.lr_scheduler"] = _training.LrScheduler.ToString(),
            ["training.warmup"] = _training.WarmupSteps is { } ws ? $"{ws} steps" : _training.WarmupRatio is { } wr ? $"ratio {D(wr)}" : "none",
            ["training.weight_decay"] = D(_training.WeightDecay),
            ["training.max_grad_norm"] = D(_training.MaxGradNorm),
            ["regularization.l2_to_base"] = D(_regularization.L2ToBase),
            ["regularization.kl_to_base"] = D(_regularization.KlToBase),
            ["trainable parameters"] = $"{_params.Trainable.Count} tensors, " + RunFolder.Digest(string.Join(",", _params.Trainable.Select(p => p.Name + "[" + string.Join("x", p.Tensor.shape) + "]"))),
        };
        foreach (var (k, v) in _run.RunIdentity ?? new Dictionary<string, string>()) id[k] = v;
        return id;
    }

    /// <summary>Runs (or resumes) training; writes metrics.jsonl, loss.svg, samples.jsonl and checkpoints under OutputDir.</summary>
    public TrainingResult Run()
    {
        try { return RunLocked(); }
        finally { _lock?.Dispose(); _lock = null; }
    }

    private TrainingResult RunLocked()
    {
        PrepareOutput(); // creates the output folder (ProcessLock.Acquire; a user error naming it when it cannot)
        var runIdentity = Identity();
        var tags = _batches.Mix.Tags;
        var checkpointsDir = Path.Combine(_output.Dir, "checkpoints");
        var metrics = new MetricsLog(Path.Combine(_output.Dir, "metrics.jsonl"));
        int total = TotalSteps;
        var schedule = LearningRateSchedule.Create(_training.LrScheduler, _training.LearningRate, total, _training.WarmupRatio, _training.WarmupSteps);
        var trainable = _params.Trainable;

        // Decay matrices only (biases and norm scales are not decayed), as HF Trainer does.
        using var optimizer = AdamWState.Create(trainable.Select(p => p.Tensor).ToList(), _training.LearningRate, _training.WeightDecay);
        // θ0 for l2_to_base: a copy of the trainable tensors as they start (for LoRA only the small factors).
        var initial = _regularization.L2ToBase > 0 ? trainable.Select(p => p.Tensor.detach().clone().DetachFromDisposeScope()).ToArray() : null;

        using var dropoutGen = new Generator(unchecked((ulong)(_training.Seed + 1)));
        using var samplingGen = new Generator(unchecked((ulong)(_training.Seed + 2)));
        torch.manual_seed(_training.Seed).Dispose(); // the CPU default generator (the returned handle shares it)
        torch.cuda.manual_seed_all(_training.Seed);  // every CUDA device's; a no-op without CUDA

        // ---- resume ----
        int step = 0;
        var cursor = DataCursor.Start;
        long trainedTokens = 0;
        double? bestVal = null;
        int evalsWithoutImprovement = 0;
        string? resumeFrom = _resumeFrom;
        if (resumeFrom is not null)
        {
            var st = CheckpointStore.Load(resumeFrom, trainable, optimizer);
            (step, cursor, trainedTokens, bestVal, evalsWithoutImprovement) =
                (st.Step, new DataCursor(st.DataEpoch, st.DataBatchIndex), st.TrainedTokens, st.BestValLoss, st.EvalsWithoutImprovement);
            RandomState.SetDefault(Convert.FromBase64String(st.TorchRngState));
            dropoutGen.SetStateBytes(Convert.FromBase64String(st.DropoutRngState));
            samplingGen.SetStateBytes(Convert.FromBase64String(st.SamplingRngState));
            metrics.TruncateAfter(step);
            RunFolder.TruncateSamples(Path.Combine(_output.Dir, "samples.jsonl"), step);
            _progress.Message($"resumed from {resumeFrom} at step {step}/{total}");
        }
        else if (MovedAside is { } aside) _progress.Message($"the earlier run in this folder was moved to {aside}");

        var ctx = new ForwardContext(Training: true, AdaptersEnabled: true, DropoutGenerator: dropoutGen);
        var initialEval = step == 0 ? EvaluateByTag() : default;
        double? initialVal = initialEval.Loss;
        if (initialVal is { } iv) { metrics.Append(new MetricsRecord(0, null, iv, null, null, null, 0, null, initialEval.ByTag)); bestVal = iv; }
        var samples = new List<(string, string)>();
        string? lastCheckpoint = resumeFrom;
        bool stoppedEarly = false, interrupted = false;
        int stepsThisProcess = 0;
        var clock = Stopwatch.StartNew();
        long tokensThisProcess = 0;

        TrainerState Snapshot() => new()
        {
            Step = step, TotalSteps = total, DataEpoch = cursor.Epoch, DataBatchIndex = cursor.BatchIndex, TrainedTokens = trainedTokens,
            BestValLoss = bestVal, EvalsWithoutImprovement = evalsWithoutImprovement, Seed = _training.Seed,
            TorchRngState = Convert.ToBase64String(RandomState.GetDefault()),
            DropoutRngState = Convert.ToBase64String(dropoutGen.GetStateBytes()),
            SamplingRngState = Convert.ToBase64String(samplingGen.GetStateBytes()),
            Run = runIdentity,
        };
        double? lastFiniteLoss = null;
        int lastFiniteStep = 0;

        while (step < total)
        {
            // 1. learning rate for this step
            double lr = schedule.At(step);
            optimizer.SetLearningRate(lr);

            // 2. micro-steps with accumulation; loss normalised by the trained tokens of the whole step
            var micro = new List<MicroBatch>();
            for (int k = 0; k < _training.GradientAccumulationSteps; k++)
            {
                var mb = _batches.At(cursor);
                micro.Add(mb);
                cursor = mb.Next;
            }
            var batches = micro.Select(m => TrainingBatch.From(m.Rows, _model.Device, tags.Count)).ToList();
            long stepTrained = batches.Sum(b => b.TrainedTokens);
            double ceSum = 0;
            var ceByTag = tags.Count > 1 ? new double[tags.Count] : null;
            foreach (var b in batches)
            {
                if (b.TrainedTokens == 0) continue;
                ceSum += CausalLmLoss.ForwardBackward(_model, b, stepTrained, ctx, _training.GradientCheckpointing, _regularization.KlToBase,
                    () => { using var ng = torch.no_grad(); return _model.Hidden(b.InputIds, b.PositionIds, b.Mask, ctx: ForwardContext.BaseModel); }, ceByTag);
            }
            var lossByTag = ceByTag is null ? null : PerTag(tags, ceByTag, SumCounts(batches, tags.Count));
            if (initial is not null) L2ToBaseBackward(trainable, initial, _regularization.L2ToBase);

            // 3. clip, step, clear — unless the loss or the gradient is NaN/inf: then stop before the weights are spoiled.
            double gradNorm = torch.nn.utils.clip_grad_norm_(trainable.Select(p => p.Tensor), _training.MaxGradNorm > 0 ? _training.MaxGradNorm : double.PositiveInfinity);
            double stepLoss = stepTrained > 0 ? ceSum / stepTrained : double.NaN;
            if (stepTrained > 0 && (!double.IsFinite(stepLoss) || !double.IsFinite(gradNorm)))
            {
                foreach (var b in batches) b.DisposeTensors();
                optimizer.ZeroGradToNone();
                metrics.Append(new MetricsRecord(step + 1, stepLoss, null, lr, gradNorm, null, trainedTokens, lossByTag));
                LossPlot.Write(Path.Combine(_output.Dir, "loss.svg"), MetricsLog.Read(metrics.Path), "training and validation loss");
                throw new TrainingDivergedException(Diverged(step + 1, total, stepLoss, gradNorm, lr, lastFiniteLoss, lastFiniteStep, lastCheckpoint));
            }
            optimizer.step();
            optimizer.ZeroGradToNone();
            foreach (var b in batches) b.DisposeTensors();
            step++;
            stepsThisProcess++;
            trainedTokens += stepTrained;
            tokensThisProcess += batches.Sum(b => b.Tokens);

            // 4. log
            double loss = stepLoss;
            if (double.IsFinite(loss)) (lastFiniteLoss, lastFiniteStep) = (loss, step);
            double tokPerS = tokensThisProcess / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            metrics.Append(new MetricsRecord(step, loss, null, lr, gradNorm, tokPerS, trainedTokens, lossByTag));
            var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / stepsThisProcess * (total - step));
            _progress.Step(step, total, loss, lr, tokPerS, eta);

            // 5. evaluate / sample / checkpoint when due
            bool last = step == total;
            if ((_eval.EverySteps > 0 && step % _eval.EverySteps == 0) || last)
            {
                var evaluation = EvaluateByTag();
                if (evaluation.Loss is { } val)
                {
                    metrics.Append(new MetricsRecord(step, null, val, null, null, null, trainedTokens, null, evaluation.ByTag));
                    _progress.Message(FormattableString.Invariant($"step {step}: validation loss {val:0.0000}"));
                    _progress.Evaluated(step, val);
                    if (bestVal is null || val < bestVal - 1e-12) { bestVal = val; evalsWithoutImprovement = 0; }
                    else evalsWithoutImprovement++;
                    if (_eval.EarlyStoppingPatience > 0 && evalsWithoutImprovement >= _eval.EarlyStoppingPatience && !last)
                    {
                        stoppedEarly = true;
                        _progress.Message($"early stopping: no validation improvement in {evalsWithoutImprovement} evaluations");
                    }
                }
                samples = GenerateSamples(step, samplingGen);
                LossPlot.Write(Path.Combine(_output.Dir, "loss.svg"), MetricsLog.Read(metrics.Path), "training and validation loss");
            }
            if ((_output.CheckpointEverySteps > 0 && step % _output.CheckpointEverySteps == 0) || last || stoppedEarly)
            {
                lastCheckpoint = CheckpointStore.Save(checkpointsDir, Snapshot(), trainable, optimizer, _adapterConfigJson);
                _progress.Message($"checkpoint {lastCheckpoint}");
                CheckpointStore.Rotate(checkpointsDir, _output.KeepCheckpoints);
            }

            // 6. stop
            if (stoppedEarly) break;
            if (_run.StopAfterSteps is { } s && stepsThisProcess >= s && step < total) { interrupted = true; break; }
        }
        LossPlot.Write(Path.Combine(_output.Dir, "loss.svg"), MetricsLog.Read(metrics.Path), "training and validation loss");
        if (initial is not null) foreach (var t in initial) t.Dispose();
        var finalVal = MetricsLog.Read(metrics.Path).LastOrDefault(r => r.ValLoss is not null)?.ValLoss;
        var firstVal = initialVal ?? MetricsLog.Read(metrics.Path).FirstOrDefault(r => r.ValLoss is not null && r.Step == 0)?.ValLoss;
        return new TrainingResult(step, total, firstVal, finalVal, trainedTokens, stoppedEarly, interrupted, lastCheckpoint, samples);
    }

    private static string Diverged(int step, int total, double loss, double gradNorm, double lr, double? lastLoss, int lastStep, string? checkpoint)
    {
        string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        var what = !double.IsFinite(loss) ? $"the loss is {F(loss)}" : $"the gradient norm is {F(gradNorm)} (loss {F(loss)})";
        var last = lastLoss is { } l ? $"the last finite loss was {F(l)} at step {lastStep}" : "no step of this run had a finite loss";
        var resume = checkpoint is null ? "" : $" The last checkpoint is {checkpoint}.";
        return $"training stopped at step {step}/{total}: {what}; {last}; the weights of step {step} were not applied. " +
               $"Likely causes: a learning rate too high for this model (training.learning_rate, {lr.ToString("0.###e+0", CultureInfo.InvariantCulture)} at this step; lower it or add warmup), " +
               "no gradient clipping (set training.max_grad_norm: 1.0), NaN/inf in the model's weights or an impossible config.json value (rms_norm_eps, rope_theta), " +
               $"or bf16/fp16 overflow (try training.precision: fp32).{resume}";
    }

    /// <summary>Mean cross-entropy per trained token over the validation rows (null when there are none).</summary>
    public double? Evaluate() => EvaluateByTag().Loss;

    /// <summary><see cref="Evaluate"/>, and the same per data source when <see cref="RunContext.ValidationTags"/> is set.</summary>
    private (double? Loss, Dictionary<string, double>? ByTag) EvaluateByTag()
    {
        if (_validation.Count == 0) return (null, null);
        using var noGrad = torch.no_grad();
        var tags = _run.ValidationTags is { Count: > 1 } t ? t : null;
        double sum = 0;
        long count = 0;
        var sumByTag = tags is null ? null : new double[tags.Count];
        var countByTag = tags is null ? null : new long[tags.Count];
        for (int i = 0; i < _validation.Count; i += _microBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            var b = TrainingBatch.From(_validation.Skip(i).Take(_microBatchSize).ToList(), _model.Device, tags?.Count ?? 1);
            if (b.TrainedTokens == 0) continue;
            sum += CausalLmLoss.SummedCrossEntropy(_model, b, sumByTag);
            count += b.TrainedTokens;
            if (countByTag is not null && b.TrainedByTag is { } trainedByTag)
                for (int k = 0; k < trainedByTag.Length; k++) countByTag[k] += trainedByTag[k];
        }
        if (count == 0) return (null, null);
        return (sum / count, sumByTag is null ? null : PerTag(tags!, sumByTag, countByTag!));
    }

    /// <summary>Mean loss of each source with trained tokens: summed cross-entropy / trained tokens.</summary>
    private static Dictionary<string, double> PerTag(IReadOnlyList<string> tags, double[] sums, long[] counts)
    {
        var result = new Dictionary<string, double>();
        for (int k = 0; k < tags.Count; k++)
            if (counts[k] > 0) result[tags[k]] = sums[k] / counts[k];
        return result;
    }

    private static long[] SumCounts(IEnumerable<TrainingBatch> batches, int tagCount)
    {
        var counts = new long[tagCount];
        foreach (var b in batches)
            if (b.TrainedByTag is { } c) for (int k = 0; k < tagCount; k++) counts[k] += c[k];
        return counts;
    }

    /// <summary>λ·Σ‖θ−θ₀‖² over trainable tensors, back-propagated once per optimizer step.</summary>
    private static void L2ToBaseBackward(IReadOnlyList<(string Name, Parameter Tensor)> trainable, Tensor[] initial, double lambda)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? sum = null;
        for (int i = 0; i < trainable.Count; i++)
        {
            var diff = trainable[i].Tensor.sub(initial[i]);
            var d = diff.mul(diff).sum(); // not square(): see RmsNorm
            sum = sum is null ? d : sum.add(d);
        }
        using var l = lambda.ToScalar();
        sum?.mul(l).backward();
    }

    /// <summary>Greedy and sampled (T=0.7, top-p 0.9) completions of each eval prompt, appended to samples.jsonl.</summary>
    private List<(string, string)> GenerateSamples(int step, Generator samplingGen)
    {
        var list = new List<(string, string)>();
        if (_samples is null || _eval.Samples.Count == 0) return list;
        var path = Path.Combine(_output.Dir, "samples.jsonl");
        foreach (var prompt in _eval.Samples)
        {
            var ids = _samples.EncodePrompt(prompt);
            var greedy = _samples.Decode(TextGenerator.Generate(_model, ids, new SamplingOptions(0, 1, _eval.MaxNewTokens), _samples.StopIds));
            var sampled = _samples.Decode(TextGenerator.Generate(_model, ids, new SamplingOptions(0.7, 0.9, _eval.MaxNewTokens), _samples.StopIds, samplingGen));
            File.AppendAllText(path, JsonSerializer.Serialize(new { step, prompt, greedy, sampled = sampled }) + "\n");
            list.Add((prompt, greedy));
        }
        return list;
    }
}
