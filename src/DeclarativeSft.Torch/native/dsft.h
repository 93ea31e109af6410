// Flat C ABI over libtorch. Every exported function is extern "C", takes/returns opaque handles and
// plain scalars, and never lets a C++ exception cross the boundary: failures are stored in a
// thread-local last-error string that the managed side reads right after the call.
// Convention: functions returning a tensor handle return nullptr on failure; the others return
// int (0 = ok, -1 = failure).
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/api/include/torch/version.h>
#include <cstdint>
#include <string>
#include <vector>

#define DSFT_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* dsft_tensor;
typedef at::Generator* dsft_generator;

namespace dsft {

void set_error(const char* message);

// Wraps a tensor returned by libtorch into a heap handle owned by the managed side.
inline dsft_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions()
      .dtype(static_cast<c10::ScalarType>(dtype))
      .device(c10::Device(static_cast<c10::DeviceType>(device_type),
                          static_cast<c10::DeviceIndex>(device_index)));
}

inline at::IntArrayRef dims(const int64_t* values, int count) {
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

// Scalar arguments cross as (double, int64, kind) so integer tensors keep integer arithmetic.
inline at::Scalar scalar(double d, int64_t i, int kind) {
  if (kind == 1) return at::Scalar(i);
  if (kind == 2) return at::Scalar(i != 0);
  return at::Scalar(d);
}

inline std::vector<at::Tensor> tensor_list(const dsft_tensor* handles, int count) {
  std::vector<at::Tensor> list;
  list.reserve(static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) list.push_back(*handles[k]);
  return list;
}

inline c10::optional<at::Generator> generator(dsft_generator g) {
  if (g == nullptr) return c10::nullopt;
  return *g;
}

}  // namespace dsft

// c10::Error carries a C++ backtrace in what(); the managed user wants libtorch's message only.
#define DSFT_TRY try {
#define DSFT_CATCH(failure)                                  \
  }                                                          \
  catch (const c10::Error& e) {                              \
    dsft::set_error(e.what_without_backtrace());             \
    return failure;                                          \
  }                                                          \
  catch (const std::exception& e) {                          \
    dsft::set_error(e.what());                               \
    return failure;                                          \
  }                                                          \
  catch (...) {                                              \
    dsft::set_error("unknown native exception in dsft_torch"); \
    return failure;                                          \
  }

// Variadic so that commas inside the wrapped code (template arguments, declarations) survive.
#define DSFT_RETURN_TENSOR(...) \
  DSFT_TRY return dsft::wrap(__VA_ARGS__); DSFT_CATCH(nullptr)

#define DSFT_RETURN_STATUS(...) \
  DSFT_TRY __VA_ARGS__; return 0; DSFT_CATCH(-1)

#define DSFT_TORCH_VERSION_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))
