using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeclarativeSft.Runtime.Training;

/// <summary>The non-tensor part of a checkpoint (trainer_state.json): where the run stands and every RNG state,
/// so a resumed run continues with exactly the batches, dropout masks and learning rates it would have had.</summary>
public sealed record TrainerState
{
    [JsonPropertyName("step")] public int Step { get; init; }
    [JsonPropertyName("total_steps")] public int TotalSteps { get; init; }
    [JsonPropertyName("data_epoch")] public int DataEpoch { get; init; }
    [JsonPropertyName("data_batch_index")] public int DataBatchIndex { get; init; }
    [JsonPropertyName("trained_tokens")] public long TrainedTokens { get; init; }
    [JsonPropertyName("best_val_loss")] public double? BestValLoss { get; init; }
    [JsonPropertyName("evals_without_improvement")] public int EvalsWithoutImprovement { get; init; }
    [JsonPropertyName("torch_rng_state")] public string TorchRngState { get; init; } = "";
    [JsonPropertyName("dropout_rng_state")] public string DropoutRngState { get; init; } = "";
    [JsonPropertyName("sampling_rng_state")] public string SamplingRngState { get; init; } = "";
    [JsonPropertyName("seed")] public int Seed { get; init; }
    /// <summary>The training-relevant settings of the run that wrote this checkpoint (absent in older checkpoints).</summary>
    [JsonPropertyName("run")] public SortedDictionary<string, string>? Run { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads trainer_state.json; the message names the file when it is damaged.</summary>
    public static TrainerState Load(string path)
    {
        try { return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path)) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new UserErrorException($"{path}: damaged trainer state ({e.Message}); delete this checkpoint folder to resume from an earlier one.", e); }
        catch (Exception e) when (UserErrorException.FromIo(e, path, "cannot read the trainer state") is { } user) { throw user; }
    }
}
