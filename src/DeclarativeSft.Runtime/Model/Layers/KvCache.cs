using TorchSharp;
using static TorchSharp.torch;

namespace DeclarativeSft.Runtime.Model.Layers;

/// <summary>Keys and values of the tokens seen so far, per layer, for incremental decoding.
/// Stored after RoPE and before GQA expansion: (B, n_kv_heads, T_past, hd).</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    /// <summary>An empty cache for <paramref name="layers"/> layers.</summary>
    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Tokens already cached.</summary>
    public long Length => _keys[0]?.size(2) ?? 0;

    /// <summary>Appends this step's k, v (B, n_kv, T, hd) and returns the full (B, n_kv, T_past+T, hd) ones.</summary>
    public (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        var newK = _keys[layer] is { } pk ? torch.cat([pk, k], 2) : k.clone();
        var newV = _values[layer] is { } pv ? torch.cat([pv, v], 2) : v.clone();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        _keys[layer] = newK.DetachFromDisposeScope();
        _values[layer] = newV.DetachFromDisposeScope();
        return (_keys[layer]!, _values[layer]!);
    }

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _keys) t?.Dispose();
        foreach (var t in _values) t?.Dispose();
    }
}
