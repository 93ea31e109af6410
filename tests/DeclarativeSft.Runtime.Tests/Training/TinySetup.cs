using DeclarativeSft.Data;
using DeclarativeSft.Recipes;
using DeclarativeSft.Runtime.Lora;
using DeclarativeSft.Runtime.Model;
using DeclarativeSft.Runtime.Tests.Oracles;
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

    /// <summary>The resume scenario's run: LoRA with dropout (so RNG state matters), 12 steps, checkpoint every 4.</summary>
    public static TrainingResult RunLora(string baseDir, string outDir, bool resume, ITrainingProgress progress)
    {
        TorchSharp.torch.set_num_threads(1);
        using var model = LlamaForCausalLM.FromPretrained(baseDir);
        var lora = new LoraSpec(4, 8, 0.1, ModelModules.QProj | ModelModules.VProj | ModelModules.DownProj, false, ModelModules.None);
        LoraInjector.Apply(model, lora, seed: 5);
        var trainable = TrainableParameters.Configure(model, lora, 0);
        var options = new TrainerOptions
        {
            OutputDir = outDir, Epochs = 3, GradientAccumulationSteps = 2, LearningRate = 5e-3, WarmupSteps = 2,
            MaxGradNorm = 1.0, WeightDecay = 0.01, EvalEverySteps = 3, CheckpointEverySteps = 4, ResumeAuto = resume, Seed = 9,
            L2ToBase = 0.01, KlToBase = 0.1,
        };
        var rows = Rows(16, 1);
        var trainer = new Trainer(model, trainable, options, new EpochBatcher(rows, 2, 3), Rows(4, 2), 2, null, progress);
        return trainer.Run();
    }
}
