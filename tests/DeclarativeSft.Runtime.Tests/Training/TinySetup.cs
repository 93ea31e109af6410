using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Training;

namespace DeclarativeSft.Runtime.Tests.Training;

/// <summary>A small deterministic training setup shared by the golden-loss and resume tests (and the child process).</summary>
public static class TinySetup
{
    /// <summary>Packed rows of length 16 with two or three examples each, prompt tokens masked, seeded.</summary>
    public static List<PackedRow> Rows(int count, int seed, int vocab = 61)
    {
        var rng = new Random(seed);
        var rows = new List<PackedRow>();
        const int T = 16;
        for (int r = 0; r < count; r++)
        {
            var ids = new int[T]; var labels = new int[T]; var pos = new int[T]; var seg = new int[T];
            int t = 0, s = 0;
            while (t < T)
            {
                int len = Math.Min(T - t, rng.Next(4, 9));
                if ((r % 3 == 2 && s == 1) || len < 3) { for (; t < T; t++) { ids[t] = 0; labels[t] = Labels.IgnoreIndex; pos[t] = 0; seg[t] = -1; } break; } // padding
                int prompt = rng.Next(1, len - 1);
                for (int i = 0; i < len; i++, t++)
                {
                    ids[t] = rng.Next(1, vocab);
                    labels[t] = i >= prompt ? ids[t] : Labels.IgnoreIndex;
                    pos[t] = i;
                    seg[t] = s;
                }
                s++;
            }
            rows.Add(new PackedRow(ids, labels, pos, seg));
        }
        return rows;
    }

    /// <summary>Writes a random llama checkpoint with the reference script; returns its folder.</summary>
    public static string Checkpoint(string dir, string variant = "llama", int seed = 21)
    {
        var path = Path.Combine(dir, "base");
        PythonOracle.Run("llama_reference.py", "make", variant, path, seed.ToString(), "F32");
        return path;
    }

    /// <summary>The resume scenario's recipe: LoRA with dropout (so RNG state matters), both regularizers, 3 epochs of
    /// 16 rows in micro-batches of 2 accumulated 2 (12 steps), evaluation every 3 and a checkpoint every 4.</summary>
    public static RecipeSpec LoraRecipe(string outDir, bool resume = true) => TrainerRecipe.Parse($$"""
        lora: { r: 4, alpha: 8, dropout: 0.1, target_modules: [q_proj, v_proj, down_proj] }
        training: { epochs: 3, micro_batch_size: 2, gradient_accumulation_steps: 2, learning_rate: 5.0e-3, warmup_steps: 2, weight_decay: 0.01, seed: 9 }
        regularization: { l2_to_base: 0.01, kl_to_base: 0.1 }
        eval: { every_steps: 3 }
        output: { dir: {{TrainerRecipe.Quote(outDir)}}, checkpoint_every_steps: 4, resume_from_checkpoint: {{(resume ? "auto" : "never")}} }
        """);

    /// <summary>Runs <paramref name="spec"/> (e.g. <see cref="LoraRecipe"/>) on <paramref name="baseDir"/>'s model with
    /// LoRA seeded 5, over <see cref="Rows"/>(16, 1) batched with seed 3 and validated on Rows(4, 2).</summary>
    public static TrainingResult RunLora(string baseDir, RecipeSpec spec, ITrainingProgress progress, int? stopAfterSteps = null)
    {
        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        LoraInjector.Apply(model, spec.Lora!, seed: 5);
        var trainable = TrainableParameters.Configure(model, spec.Lora, 0);
        var run = new RunContext { StopAfterSteps = stopAfterSteps };
        var trainer = new Trainer(model, trainable, spec, run, new EpochBatcher(Rows(16, 1), spec.Training.MicroBatchSize, 3), Rows(4, 2), null, progress);
        return trainer.Run();
    }

    /// <summary>The resume scenario's run (<see cref="LoraRecipe"/>).</summary>
    public static TrainingResult RunLora(string baseDir, string outDir, bool resume, ITrainingProgress progress) =>
        RunLora(baseDir, LoraRecipe(outDir, resume), progress);
}
