using System.Text.Json.Nodes;
using DeclarativeSft.Runtime.Model;

namespace DeclarativeSft.Runtime.Tests.Model;

public class LlamaConfigTests
{
    private static LlamaConfig Parse(string json)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["config.json"], json);
        return LlamaConfig.Load(dir.Path);
    }

    [Fact]
    public void Llama_3_1_with_RoPE_scaling_and_GQA()
    {
        var c = Parse("""
            {"architectures":["LlamaForCausalLM"],"vocab_size":128256,"hidden_size":4096,"intermediate_size":14336,
             "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"rms_norm_eps":1e-05,
             "rope_theta":500000.0,"tie_word_embeddings":false,"bos_token_id":128000,"eos_token_id":[128001,128008],
             "rope_scaling":{"factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192,"rope_type":"llama3"}}
            """);
        Assert.Equal(LlamaArchitecture.Llama, c.Architecture);
        Assert.Equal(128, c.HeadDim);
        Assert.Equal(8, c.NumKeyValueHeads);
        Assert.Equal(500000.0, c.RopeTheta);
        Assert.Equal(new Llama3RopeScaling(8, 1, 4, 8192), c.RopeScaling);
        Assert.Equal(128001, c.EosTokenId);
        Assert.False(c.AttentionBias);
        // Llama 3.1 8B has 8.03B parameters (published figure).
        Assert.InRange(c.ParameterCount, 8_020_000_000L, 8_040_000_000L);
    }

    [Fact]
    public void Qwen2_has_QKV_bias_and_Qwen3_has_qk_norm_and_explicit_head_dim()
    {
        var q2 = Parse("""{"architectures":["Qwen2ForCausalLM"],"vocab_size":151936,"hidden_size":896,"intermediate_size":4864,"num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"tie_word_embeddings":true}""");
        Assert.True(q2.AttentionBias);
        Assert.True(q2.TieWordEmbeddings);
        Assert.Equal(64, q2.HeadDim);
        // Qwen2.5-0.5B: 494M parameters (published figure).
        Assert.InRange(q2.ParameterCount, 490_000_000L, 500_000_000L);

        var q3 = Parse("""{"architectures":["Qwen3ForCausalLM"],"vocab_size":151936,"hidden_size":1024,"intermediate_size":3072,"num_hidden_layers":28,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":128,"rms_norm_eps":1e-06,"rope_theta":1000000,"tie_word_embeddings":true}""");
        Assert.True(q3.QkNorm);
        Assert.False(q3.AttentionBias);
        Assert.Equal(128, q3.HeadDim);
        // Qwen3-0.6B: 0.6B parameters (0.44B without embeddings).
        Assert.InRange(q3.ParameterCount, 590_000_000L, 610_000_000L);
    }

    [Fact]
    public void Unsupported_architecture_is_rejected_by_name()
    {
        var e = Assert.Throws<ModelConfigException>(() => Parse("""{"architectures":["GPT2LMHeadModel"],"vocab_size":5}"""));
        Assert.Contains("GPT2LMHeadModel", e.Message);
        Assert.Contains("LlamaForCausalLM", e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Missing_key_and_wrong_type_name_the_key()
    {
        var e = Assert.Throws<ModelConfigException>(() => Parse("""{"architectures":["MistralForCausalLM"],"vocab_size":5,"num_attention_heads":2}"""));
        Assert.Contains("hidden_size", e.Message);
        var t = Assert.Throws<ModelConfigException>(() => Parse("""{"architectures":["LlamaForCausalLM"],"vocab_size":"big","hidden_size":8}"""));
        Assert.Contains("vocab_size", t.Message);
    }

    [Fact]
    public void ToJson_round_trips()
    {
        var c = Parse("""{"architectures":["LlamaForCausalLM"],"vocab_size":300,"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"rope_scaling":{"rope_type":"llama3","factor":4.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":64},"tie_word_embeddings":true}""");
        var again = LlamaConfig.FromJson(JsonNode.Parse(c.ToJson().ToJsonString())!.AsObject(), "x");
        Assert.Equal(c with { TorchDtype = "float32" }, again);
    }
}
