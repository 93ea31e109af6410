// Elementwise, shape, indexing and reduction ops. Families of same-signature ops share one entry point
// selected by an op code (kept in sync with Interop/OpCodes.cs) so the ABI stays small.
#include "dsft.h"

namespace {

at::Tensor unary(const at::Tensor& t, int op) {
  switch (op) {
    case 0: return at::neg(t);
    case 1: return at::abs(t);
    case 2: return at::exp(t);
    case 3: return at::log(t);
    case 4: return at::sqrt(t);
    case 5: return at::rsqrt(t);
    case 6: return at::tanh(t);
    case 7: return at::cos(t);
    case 8: return at::sin(t);
    case 9: return at::sigmoid(t);
    case 10: return at::relu(t);
    case 11: return at::silu(t);
    case 12: return at::gelu(t);
    case 13: return at::gelu(t, "tanh");
    case 14: return t.contiguous();
    case 15: return t.clone();
    case 16: return t.detach();
    case 17: return at::logical_not(t);
    case 18: return at::square(t);
    case 19: return at::reciprocal(t);
    case 20: return at::ones_like(t);
    case 21: return at::zeros_like(t);
    case 22: return at::floor(t);
    case 23: return at::ceil(t);
    case 24: return at::sign(t);
    case 25: return at::isnan(t);
    case 26: return at::isfinite(t);
    case 27: return at::erf(t);
    case 28: return at::log1p(t);
    case 29: return at::empty_like(t);
    default: throw std::invalid_argument("dsft_unary: unknown op " + std::to_string(op));
  }
}

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int op) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::matmul(a, b);
    case 6: return at::eq(a, b);
    case 7: return at::ne(a, b);
    case 8: return at::lt(a, b);
    case 9: return at::le(a, b);
    case 10: return at::gt(a, b);
    case 11: return at::ge(a, b);
    case 12: return at::logical_and(a, b);
    case 13: return at::logical_or(a, b);
    case 14: return at::logical_xor(a, b);
    case 15: return at::maximum(a, b);
    case 16: return at::minimum(a, b);
    case 17: return at::outer(a, b);
    case 18: return at::bmm(a, b);
    case 19: return at::remainder(a, b);
    case 20: return at::floor_divide(a, b);
    default: throw std::invalid_argument("dsft_binary: unknown op " + std::to_string(op));
  }
}

at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& s, int op) {
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 6: return at::eq(a, s);
    case 7: return at::ne(a, s);
    case 8: return at::lt(a, s);
    case 9: return at::le(a, s);
    case 10: return at::gt(a, s);
    case 11: return at::ge(a, s);
    case 19: return at::remainder(a, s);
    case 30: return at::rsub(a, s);                      // s - a
    case 31: return at::mul(at::reciprocal(a), s);       // s / a
    case 32: return at::pow(s, a);                       // s ^ a
    default: throw std::invalid_argument("dsft_binary_scalar: unknown op " + std::to_string(op));
  }
}

}  // namespace

DSFT_API dsft_tensor dsft_unary(dsft_tensor t, int op) { DSFT_RETURN_TENSOR(unary(*t, op)) }

DSFT_API dsft_tensor dsft_binary(dsft_tensor a, dsft_tensor b, int op) { DSFT_RETURN_TENSOR(binary(*a, *b, op)) }

DSFT_API dsft_tensor dsft_binary_scalar(dsft_tensor a, double d, int64_t i, int kind, int op) {
  DSFT_RETURN_TENSOR(binary_scalar(*a, dsft::scalar(d, i, kind), op))
}

// a + alpha * b (alpha as scalar triple), the fused form the optimizer and accumulation use.
DSFT_API dsft_tensor dsft_add_scaled(dsft_tensor a, dsft_tensor b, double d, int64_t i, int kind) {
  DSFT_RETURN_TENSOR(at::add(*a, *b, dsft::scalar(d, i, kind)))
}

// In-place: op 0 add_, 1 sub_, 2 mul_, 3 div_, 40 copy_.
DSFT_API int dsft_binary_(dsft_tensor a, dsft_tensor b, int op) {
  DSFT_RETURN_STATUS({
    switch (op) {
      case 0: a->add_(*b); break;
      case 1: a->sub_(*b); break;
      case 2: a->mul_(*b); break;
      case 3: a->div_(*b); break;
      case 40: a->copy_(*b); break;
      default: throw std::invalid_argument("dsft_binary_: unknown op " + std::to_string(op));
    }
  })
}

// In-place with a scalar: op 0 add_, 1 sub_, 2 mul_, 3 div_, 4 pow_, 41 fill_.
DSFT_API int dsft_binary_scalar_(dsft_tensor a, double d, int64_t i, int kind, int op) {
  DSFT_RETURN_STATUS({
    auto s = dsft::scalar(d, i, kind);
    switch (op) {
      case 0: a->add_(s); break;
      case 1: a->sub_(s); break;
      case 2: a->mul_(s); break;
      case 3: a->div_(s); break;
      case 4: a->pow_(s); break;
      case 41: a->fill_(s); break;
      default: throw std::invalid_argument("dsft_binary_scalar_: unknown op " + std::to_string(op));
    }
  })
}

DSFT_API int dsft_add_scaled_(dsft_tensor a, dsft_tensor b, double d, int64_t i, int kind) {
  DSFT_RETURN_STATUS(a->add_(*b, dsft::scalar(d, i, kind)))
}

DSFT_API int dsft_zero_(dsft_tensor t) { DSFT_RETURN_STATUS(t->zero_()) }

// ---- shape and views ----

// op: 0 reshape, 1 view, 2 expand, 3 permute, 4 repeat
DSFT_API dsft_tensor dsft_shape_op(dsft_tensor t, const int64_t* values, int count, int op) {
  DSFT_TRY
    auto v = dsft::dims(values, count);
    switch (op) {
      case 0: return dsft::wrap(t->reshape(v));
      case 1: return dsft::wrap(t->view(v));
      case 2: return dsft::wrap(t->expand(v));
      case 3: return dsft::wrap(t->permute(v));
      case 4: return dsft::wrap(t->repeat(v));
      default: throw std::invalid_argument("dsft_shape_op: unknown op " + std::to_string(op));
    }
  DSFT_CATCH(nullptr)
}

DSFT_API dsft_tensor dsft_transpose(dsft_tensor t, int64_t d0, int64_t d1) { DSFT_RETURN_TENSOR(t->transpose(d0, d1)) }
DSFT_API dsft_tensor dsft_narrow(dsft_tensor t, int64_t dim, int64_t start, int64_t length) {
  DSFT_RETURN_TENSOR(t->narrow(dim, start, length))
}
DSFT_API dsft_tensor dsft_slice(dsft_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  DSFT_RETURN_TENSOR(t->slice(dim, start, end, step))
}
DSFT_API dsft_tensor dsft_select(dsft_tensor t, int64_t dim, int64_t index) { DSFT_RETURN_TENSOR(t->select(dim, index)) }
DSFT_API dsft_tensor dsft_unsqueeze(dsft_tensor t, int64_t dim) { DSFT_RETURN_TENSOR(t->unsqueeze(dim)) }
DSFT_API dsft_tensor dsft_squeeze(dsft_tensor t, int64_t dim, int has_dim) {
  DSFT_RETURN_TENSOR(has_dim ? t->squeeze(dim) : t->squeeze())
}
DSFT_API dsft_tensor dsft_flatten(dsft_tensor t, int64_t start, int64_t end) { DSFT_RETURN_TENSOR(t->flatten(start, end)) }
DSFT_API dsft_tensor dsft_index_select(dsft_tensor t, int64_t dim, dsft_tensor index) {
  DSFT_RETURN_TENSOR(at::index_select(*t, dim, *index))
}
DSFT_API dsft_tensor dsft_gather(dsft_tensor t, int64_t dim, dsft_tensor index) { DSFT_RETURN_TENSOR(at::gather(*t, dim, *index)) }
DSFT_API dsft_tensor dsft_scatter(dsft_tensor t, int64_t dim, dsft_tensor index, dsft_tensor src) {
  DSFT_RETURN_TENSOR(at::scatter(*t, dim, *index, *src))
}
DSFT_API dsft_tensor dsft_index_put(dsft_tensor t, dsft_tensor index, dsft_tensor values, int accumulate) {
  DSFT_TRY
    c10::List<c10::optional<at::Tensor>> indices;
    indices.push_back(*index);
    return dsft::wrap(at::index_put(*t, indices, *values, accumulate != 0));
  DSFT_CATCH(nullptr)
}
DSFT_API dsft_tensor dsft_masked_fill(dsft_tensor t, dsft_tensor mask, double d, int64_t i, int kind) {
  DSFT_RETURN_TENSOR(at::masked_fill(*t, *mask, dsft::scalar(d, i, kind)))
}
DSFT_API dsft_tensor dsft_masked_scatter(dsft_tensor t, dsft_tensor mask, dsft_tensor source) {
  DSFT_RETURN_TENSOR(at::masked_scatter(*t, *mask, *source))
}
DSFT_API dsft_tensor dsft_where(dsft_tensor cond, dsft_tensor a, dsft_tensor b) { DSFT_RETURN_TENSOR(at::where(*cond, *a, *b)) }
DSFT_API dsft_tensor dsft_tril(dsft_tensor t, int64_t diagonal) { DSFT_RETURN_TENSOR(at::tril(*t, diagonal)) }
DSFT_API dsft_tensor dsft_triu(dsft_tensor t, int64_t diagonal) { DSFT_RETURN_TENSOR(at::triu(*t, diagonal)) }
DSFT_API dsft_tensor dsft_clamp(dsft_tensor t, double lo, int has_lo, double hi, int has_hi) {
  DSFT_TRY
    c10::optional<at::Scalar> min = has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt;
    c10::optional<at::Scalar> max = has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt;
    return dsft::wrap(at::clamp(*t, min, max));
  DSFT_CATCH(nullptr)
}
DSFT_API dsft_tensor dsft_cat(const dsft_tensor* list, int count, int64_t dim) {
  DSFT_RETURN_TENSOR(at::cat(dsft::tensor_list(list, count), dim))
}
DSFT_API dsft_tensor dsft_stack(const dsft_tensor* list, int count, int64_t dim) {
  DSFT_RETURN_TENSOR(at::stack(dsft::tensor_list(list, count), dim))
}

// ---- reductions ----

// op: 0 sum, 1 mean, 2 amax, 3 amin, 4 logsumexp, 5 any, 6 all, 7 var (unbiased), 8 std (unbiased),
// 9 norm (L2). count == 0 reduces over every dimension. dtype < 0: keep the input's.
DSFT_API dsft_tensor dsft_reduce(dsft_tensor t, int op, const int64_t* dims, int count, int keepdim, int dtype) {
  DSFT_TRY
    std::vector<int64_t> d(dims, dims + count);
    if (count == 0)
      for (int64_t k = 0; k < t->dim(); ++k) d.push_back(k);
    bool keep = keepdim != 0;
    c10::optional<c10::ScalarType> dt =
        dtype < 0 ? c10::nullopt : c10::optional<c10::ScalarType>(static_cast<c10::ScalarType>(dtype));
    switch (op) {
      case 0: return dsft::wrap(count == 0 && !keep ? at::sum(*t, dt) : at::sum(*t, d, keep, dt));
      case 1: return dsft::wrap(count == 0 && !keep ? at::mean(*t, dt) : at::mean(*t, d, keep, dt));
      case 2: return dsft::wrap(at::amax(*t, d, keep));
      case 3: return dsft::wrap(at::amin(*t, d, keep));
      case 4: return dsft::wrap(at::logsumexp(*t, d, keep));
      case 5: {
        at::Tensor r = t->ne(0);
        for (auto it = d.rbegin(); it != d.rend(); ++it) r = r.any(*it, keep);
        return dsft::wrap(r);
      }
      case 6: {
        at::Tensor r = t->ne(0);
        for (auto it = d.rbegin(); it != d.rend(); ++it) r = r.all(*it, keep);
        return dsft::wrap(r);
      }
      case 7: return dsft::wrap(at::var(*t, d, true, keep));
      case 8: return dsft::wrap(at::std(*t, d, true, keep));
      case 9: return dsft::wrap(at::norm(*t, 2, d, keep));
      default: throw std::invalid_argument("dsft_reduce: unknown op " + std::to_string(op));
    }
  DSFT_CATCH(nullptr)
}

// Reductions along one dim returning (values, indices): op 0 max, 1 min, 2 sort (flag = descending),
// 3 topk (k, flag = largest; always sorted).
DSFT_API int dsft_values_indices(dsft_tensor t, int op, int64_t dim, int64_t k, int flag, int keepdim,
                                 dsft_tensor* values, dsft_tensor* indices) {
  DSFT_RETURN_STATUS({
    std::tuple<at::Tensor, at::Tensor> r;
    switch (op) {
      case 0: r = at::max(*t, dim, keepdim != 0); break;
      case 1: r = at::min(*t, dim, keepdim != 0); break;
      case 2: r = at::sort(*t, /*stable=*/true, dim, flag != 0); break;
      case 3: r = at::topk(*t, k, dim, flag != 0, true); break;
      default: throw std::invalid_argument("dsft_values_indices: unknown op " + std::to_string(op));
    }
    *values = dsft::wrap(std::get<0>(r));
    *indices = dsft::wrap(std::get<1>(r));
  })
}

DSFT_API dsft_tensor dsft_argmax(dsft_tensor t, int64_t dim, int has_dim, int keepdim) {
  DSFT_RETURN_TENSOR(has_dim ? at::argmax(*t, dim, keepdim != 0) : at::argmax(*t))
}
DSFT_API dsft_tensor dsft_cumsum(dsft_tensor t, int64_t dim) { DSFT_RETURN_TENSOR(at::cumsum(*t, dim)) }
DSFT_API dsft_tensor dsft_max_all(dsft_tensor t) { DSFT_RETURN_TENSOR(at::max(*t)) }
DSFT_API dsft_tensor dsft_min_all(dsft_tensor t) { DSFT_RETURN_TENSOR(at::min(*t)) }
