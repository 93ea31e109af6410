// Optimizer kernels kept native so one P/Invoke updates every parameter of a group.
#include "dsft.h"
#include <cmath>

// AdamW exactly as torch.optim.AdamW's single-tensor path (PyTorch 1.13 formulation): decoupled weight
// decay, bias correction per parameter step. steps[k] is incremented for each parameter that has a
// gradient; parameters without one are skipped like PyTorch does.
DSFT_API int dsft_adamw_step(const dsft_tensor* params, const dsft_tensor* exp_avgs, const dsft_tensor* exp_avg_sqs,
                             int64_t* steps, int count, double lr, double beta1, double beta2, double eps,
                             double weight_decay) {
  DSFT_RETURN_STATUS({
    at::NoGradGuard no_grad;
    for (int k = 0; k < count; ++k) {
      at::Tensor& param = *params[k];
      const at::Tensor& grad = param.grad();
      if (!grad.defined()) continue;
      at::Tensor& exp_avg = *exp_avgs[k];
      at::Tensor& exp_avg_sq = *exp_avg_sqs[k];
      int64_t step = ++steps[k];
      param.mul_(1.0 - lr * weight_decay);
      exp_avg.mul_(beta1).add_(grad, 1.0 - beta1);
      exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
      double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
      double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
      double step_size = lr / bias_correction1;
      double bias_correction2_sqrt = std::sqrt(bias_correction2);
      at::Tensor denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps);
      param.addcdiv_(exp_avg, denom, -step_size);
    }
  })
}

// torch.nn.utils.clip_grad_norm_: scales every gradient in place so that their joint norm is at most
// max_norm; writes the norm before clipping. norm_type <= 0 or inf means the max-abs norm.
DSFT_API int dsft_clip_grad_norm(const dsft_tensor* params, int count, double max_norm, double norm_type,
                                 double* total_norm_out) {
  DSFT_RETURN_STATUS({
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> grads;
    for (int k = 0; k < count; ++k)
      if (params[k]->grad().defined()) grads.push_back(params[k]->grad());
    if (grads.empty()) {
      *total_norm_out = 0.0;
      return 0;
    }
    bool inf_norm = std::isinf(norm_type) || norm_type <= 0.0;
    std::vector<at::Tensor> norms;
    auto device = grads[0].device();
    for (auto& g : grads)
      norms.push_back(inf_norm ? g.detach().abs().max().to(device) : at::norm(g.detach(), norm_type).to(device));
    at::Tensor total = inf_norm ? at::stack(norms).max() : at::norm(at::stack(norms), norm_type);
    at::Tensor coef = at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
    for (auto& g : grads) g.detach().mul_(coef.to(g.device()));
    *total_norm_out = total.item<double>();
  })
}
