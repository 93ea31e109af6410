// Tensor lifetime, metadata, host transfer, factories and dtype/device conversion.
#include "dsft.h"
#include <cstring>

DSFT_API void dsft_tensor_free(dsft_tensor t) { delete t; }

DSFT_API int dsft_tensor_dim(dsft_tensor t) { return static_cast<int>(t->dim()); }

DSFT_API int dsft_tensor_shape(dsft_tensor t, int64_t* out) {
  DSFT_RETURN_STATUS({
    auto sizes = t->sizes();
    for (size_t k = 0; k < sizes.size(); ++k) out[k] = sizes[k];
  })
}

DSFT_API int64_t dsft_tensor_numel(dsft_tensor t) { return t->numel(); }
DSFT_API int dsft_tensor_dtype(dsft_tensor t) { return static_cast<int>(t->scalar_type()); }
DSFT_API int dsft_tensor_device_type(dsft_tensor t) { return static_cast<int>(t->device().type()); }
DSFT_API int dsft_tensor_device_index(dsft_tensor t) { return t->device().index(); }
DSFT_API int dsft_tensor_requires_grad(dsft_tensor t) { return t->requires_grad() ? 1 : 0; }
DSFT_API int dsft_tensor_is_leaf(dsft_tensor t) { return t->is_leaf() ? 1 : 0; }
DSFT_API int dsft_tensor_is_contiguous(dsft_tensor t) { return t->is_contiguous() ? 1 : 0; }

DSFT_API int dsft_tensor_set_requires_grad(dsft_tensor t, int value) {
  DSFT_RETURN_STATUS(t->set_requires_grad(value != 0))
}

// Copies the tensor (converted to `dtype`, moved to CPU, made contiguous) into `dst`.
DSFT_API int dsft_tensor_to_host(dsft_tensor t, void* dst, int64_t nbytes, int dtype) {
  DSFT_RETURN_STATUS({
    at::Tensor host = t->detach().to(at::kCPU, static_cast<c10::ScalarType>(dtype)).contiguous();
    int64_t have = static_cast<int64_t>(host.nbytes());
    if (have != nbytes) {
      throw std::runtime_error("host buffer holds " + std::to_string(nbytes) + " bytes but the tensor needs " +
                               std::to_string(have));
    }
    if (have > 0) std::memcpy(dst, host.data_ptr(), static_cast<size_t>(have));
  })
}

// Builds a tensor from host memory laid out as `src_dtype`; the data is always copied.
DSFT_API dsft_tensor dsft_tensor_from_host(const void* src, const int64_t* shape, int ndim, int src_dtype,
                                           int dtype, int device_type, int device_index, int requires_grad) {
  DSFT_TRY
    auto host = at::from_blob(const_cast<void*>(src), dsft::dims(shape, ndim),
                              at::TensorOptions().dtype(static_cast<c10::ScalarType>(src_dtype)));
    at::Tensor result = host.to(dsft::options(dtype, device_type, device_index), false, /*copy=*/true);
    if (requires_grad) result.set_requires_grad(true);
    return dsft::wrap(result);
  DSFT_CATCH(nullptr)
}

DSFT_API dsft_tensor dsft_full(const int64_t* shape, int ndim, double d, int64_t i, int kind, int dtype,
                               int device_type, int device_index, int requires_grad) {
  DSFT_TRY
    at::Tensor t = at::full(dsft::dims(shape, ndim), dsft::scalar(d, i, kind),
                            dsft::options(dtype, device_type, device_index));
    if (requires_grad) t.set_requires_grad(true);
    return dsft::wrap(t);
  DSFT_CATCH(nullptr)
}

DSFT_API dsft_tensor dsft_empty(const int64_t* shape, int ndim, int dtype, int device_type, int device_index) {
  DSFT_RETURN_TENSOR(at::empty(dsft::dims(shape, ndim), dsft::options(dtype, device_type, device_index)))
}

DSFT_API dsft_tensor dsft_arange(double start, double end, double step, int dtype, int device_type,
                                 int device_index) {
  DSFT_RETURN_TENSOR(at::arange(start, end, step, dsft::options(dtype, device_type, device_index)))
}

// kind: 0 randn (standard normal), 1 rand (uniform [0,1)), 2 normal(mean=a, std=b), 3 uniform [a,b),
// 4 randint [a,b).
DSFT_API dsft_tensor dsft_random(int kind, const int64_t* shape, int ndim, double a, double b, dsft_generator gen,
                                 int dtype, int device_type, int device_index, int requires_grad) {
  DSFT_TRY
    auto opts = dsft::options(dtype, device_type, device_index);
    auto size = dsft::dims(shape, ndim);
    auto g = dsft::generator(gen);
    at::Tensor t;
    switch (kind) {
      case 0: t = at::randn(size, g, opts); break;
      case 1: t = at::rand(size, g, opts); break;
      case 2: t = at::empty(size, opts).normal_(a, b, g); break;
      case 3: t = at::empty(size, opts).uniform_(a, b, g); break;
      case 4: t = at::randint(static_cast<int64_t>(a), static_cast<int64_t>(b), size, g, opts); break;
      default: throw std::invalid_argument("dsft_random: unknown kind " + std::to_string(kind));
    }
    if (requires_grad) t.set_requires_grad(true);
    return dsft::wrap(t);
  DSFT_CATCH(nullptr)
}

// In-place random fill: kind 2 normal_(a, b), 3 uniform_(a, b).
DSFT_API int dsft_random_(dsft_tensor t, int kind, double a, double b, dsft_generator gen) {
  DSFT_RETURN_STATUS({
    at::NoGradGuard no_grad;
    if (kind == 2) t->normal_(a, b, dsft::generator(gen));
    else if (kind == 3) t->uniform_(a, b, dsft::generator(gen));
    else throw std::invalid_argument("dsft_random_: unknown kind " + std::to_string(kind));
  })
}

DSFT_API dsft_tensor dsft_multinomial(dsft_tensor probs, int64_t n, int replacement, dsft_generator gen) {
  DSFT_RETURN_TENSOR(at::multinomial(*probs, n, replacement != 0, dsft::generator(gen)))
}

DSFT_API dsft_tensor dsft_to(dsft_tensor t, int dtype, int device_type, int device_index, int copy) {
  DSFT_RETURN_TENSOR(t->to(dsft::options(dtype, device_type, device_index), false, copy != 0))
}
