// Neural-network functionals: linear, embedding, softmax, dropout, losses, attention.
#include "dsft.h"
#include <cmath>
#include <limits>

DSFT_API dsft_tensor dsft_linear(dsft_tensor x, dsft_tensor weight, dsft_tensor bias) {
  DSFT_RETURN_TENSOR(bias == nullptr ? at::linear(*x, *weight) : at::linear(*x, *weight, *bias))
}

DSFT_API dsft_tensor dsft_embedding(dsft_tensor weight, dsft_tensor indices, int64_t padding_idx) {
  DSFT_RETURN_TENSOR(at::embedding(*weight, *indices, padding_idx, false, false))
}

// op: 0 softmax, 1 log_softmax. dtype < 0 keeps the input dtype (otherwise computed in dtype).
DSFT_API dsft_tensor dsft_softmax(dsft_tensor t, int64_t dim, int dtype, int op) {
  DSFT_TRY
    c10::optional<c10::ScalarType> dt =
        dtype < 0 ? c10::nullopt : c10::optional<c10::ScalarType>(static_cast<c10::ScalarType>(dtype));
    return dsft::wrap(op == 0 ? at::softmax(*t, dim, dt) : at::log_softmax(*t, dim, dt));
  DSFT_CATCH(nullptr)
}

// Inverted dropout drawn from an explicit generator (the default one when gen is null), so a seeded
// run is reproducible and resumable.
DSFT_API dsft_tensor dsft_dropout(dsft_tensor x, double p, int train, dsft_generator gen) {
  DSFT_TRY
    if (p < 0.0 || p > 1.0) throw std::invalid_argument("dropout probability has to be between 0 and 1, but got " + std::to_string(p));
    if (!train || p == 0.0) return dsft::wrap(*x);
    if (p == 1.0) return dsft::wrap(*x * 0.0);
    at::Tensor keep = at::empty_like(*x).bernoulli_(1.0 - p, dsft::generator(gen));
    return dsft::wrap(*x * keep * (1.0 / (1.0 - p)));
  DSFT_CATCH(nullptr)
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction values).
DSFT_API dsft_tensor dsft_cross_entropy(dsft_tensor logits, dsft_tensor target, dsft_tensor weight, int reduction,
                                        int64_t ignore_index, double label_smoothing) {
  DSFT_TRY
    c10::optional<at::Tensor> w = weight == nullptr ? c10::nullopt : c10::optional<at::Tensor>(*weight);
    return dsft::wrap(at::cross_entropy_loss(*logits, *target, w, reduction, ignore_index, label_smoothing));
  DSFT_CATCH(nullptr)
}

DSFT_API dsft_tensor dsft_nll_loss(dsft_tensor log_probs, dsft_tensor target, int reduction, int64_t ignore_index) {
  DSFT_RETURN_TENSOR(at::nll_loss_nd(*log_probs, *target, c10::nullopt, reduction, ignore_index))
}

DSFT_API dsft_tensor dsft_mse_loss(dsft_tensor input, dsft_tensor target, int reduction) {
  DSFT_RETURN_TENSOR(at::mse_loss(*input, *target, reduction))
}

namespace {

// The composition PyTorch documents for SDPA; used where libtorch has no fused kernel (1.x).
at::Tensor attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor* mask,
                          double dropout_p, bool is_causal, double scale, dsft_generator gen) {
  // The (…, L, S) score tensor is the largest of a training step; scale and mask it in place instead of
  // allocating a copy per op. Autograd allows it: matmul saves its inputs, not its output, and neither the
  // scalar multiply nor masked_fill saves the tensor they modify. Same values, bit for bit.
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1));
  scores.mul_(scale);
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    int64_t L = q.size(-2), S = k.size(-2);
    at::Tensor allowed = at::ones({L, S}, q.options().dtype(at::kBool)).tril();
    scores.masked_fill_(allowed.logical_not(), neg_inf);
  }
  if (mask != nullptr) {
    if (mask->scalar_type() == at::kBool) scores.masked_fill_(mask->logical_not(), neg_inf);
    else scores = scores + *mask;
  }
  at::Tensor attn = at::softmax(scores, -1);
  if (dropout_p > 0.0) {
    at::Tensor keep = at::empty_like(attn).bernoulli_(1.0 - dropout_p, dsft::generator(gen));
    attn = attn * keep * (1.0 / (1.0 - dropout_p));
  }
  return at::matmul(attn, v);
}

}  // namespace

// q (…, L, E), k (…, S, E), v (…, S, Ev). mask: bool (true = may attend) or additive float, may be null.
// scale <= 0 means 1/sqrt(E). The generator only applies to the 1.x math path's dropout.
DSFT_API dsft_tensor dsft_scaled_dot_product_attention(dsft_tensor q, dsft_tensor k, dsft_tensor v, dsft_tensor mask,
                                                       double dropout_p, int is_causal, double scale,
                                                       dsft_generator gen) {
  DSFT_TRY
    double s = scale > 0.0 ? scale : 1.0 / std::sqrt(static_cast<double>(q->size(-1)));
#if DSFT_TORCH_VERSION_AT_LEAST(2, 1)
    c10::optional<at::Tensor> m = mask == nullptr ? c10::nullopt : c10::optional<at::Tensor>(*mask);
    return dsft::wrap(at::scaled_dot_product_attention(*q, *k, *v, m, dropout_p, is_causal != 0, s));
#elif DSFT_TORCH_VERSION_AT_LEAST(2, 0)
    if (scale <= 0.0) {
      c10::optional<at::Tensor> m = mask == nullptr ? c10::nullopt : c10::optional<at::Tensor>(*mask);
      return dsft::wrap(at::scaled_dot_product_attention(*q, *k, *v, m, dropout_p, is_causal != 0));
    }
    return dsft::wrap(attention_math(*q, *k, *v, mask, dropout_p, is_causal != 0, s, gen));
#else
    return dsft::wrap(attention_math(*q, *k, *v, mask, dropout_p, is_causal != 0, s, gen));
#endif
  DSFT_CATCH(nullptr)
}

// 1 when this build calls libtorch's fused scaled_dot_product_attention, 0 for the math fallback.
DSFT_API int dsft_has_fused_attention() {
#if DSFT_TORCH_VERSION_AT_LEAST(2, 0)
  return 1;
#else
  return 0;
#endif
}
