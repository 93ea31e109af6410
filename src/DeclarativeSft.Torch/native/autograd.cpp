// Autograd: backward, .grad access, torch.autograd.grad and the thread-local grad mode.
#include "dsft.h"
#include <torch/csrc/autograd/autograd.h>

DSFT_API int dsft_backward(dsft_tensor t, dsft_tensor gradient, int retain_graph, int create_graph) {
  DSFT_RETURN_STATUS({
    at::Tensor g = gradient == nullptr ? at::Tensor() : *gradient;
    t->backward(g, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0);
  })
}

// *out is null when the tensor has no gradient.
DSFT_API int dsft_tensor_grad(dsft_tensor t, dsft_tensor* out) {
  DSFT_RETURN_STATUS({
    const at::Tensor& g = t->grad();
    *out = g.defined() ? dsft::wrap(g) : nullptr;
  })
}

// gradient null clears .grad (PyTorch's zero_grad(set_to_none=True)).
DSFT_API int dsft_tensor_set_grad(dsft_tensor t, dsft_tensor gradient) {
  DSFT_RETURN_STATUS({ t->mutable_grad() = gradient == nullptr ? at::Tensor() : *gradient; })
}

DSFT_API int dsft_autograd_grad(const dsft_tensor* outputs, const dsft_tensor* grad_outputs, int n_outputs,
                                const dsft_tensor* inputs, int n_inputs, int retain_graph, int create_graph,
                                int allow_unused, dsft_tensor* results) {
  DSFT_RETURN_STATUS({
    torch::autograd::variable_list outs, grads, ins;
    for (int k = 0; k < n_outputs; ++k) {
      outs.push_back(*outputs[k]);
      grads.push_back(grad_outputs == nullptr || grad_outputs[k] == nullptr ? at::Tensor() : *grad_outputs[k]);
    }
    for (int k = 0; k < n_inputs; ++k) ins.push_back(*inputs[k]);
    auto r = torch::autograd::grad(outs, ins, grads,
                                   retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt,
                                   create_graph != 0, allow_unused != 0);
    for (int k = 0; k < n_inputs; ++k) results[k] = r[k].defined() ? dsft::wrap(r[k]) : nullptr;
  })
}

DSFT_API int dsft_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

// Returns the previous mode so a scope can restore it.
DSFT_API int dsft_set_grad_enabled(int enabled) {
  int previous = c10::GradMode::is_enabled() ? 1 : 0;
  c10::GradMode::set_enabled(enabled != 0);
  return previous;
}
