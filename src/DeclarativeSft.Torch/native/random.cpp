// Seeding, explicit generators and RNG state capture/restore (for bit-identical resume).
#include "dsft.h"
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>
#include <torch/csrc/api/include/torch/cuda.h>

namespace {
at::Generator default_generator(int device_type, int device_index) {
  auto type = static_cast<c10::DeviceType>(device_type);
  if (type == c10::DeviceType::CPU) return at::detail::getDefaultCPUGenerator();
  return at::globalContext().defaultGenerator(c10::Device(type, static_cast<c10::DeviceIndex>(device_index)));
}
}  // namespace

// Seeds the CPU generator and, when CUDA is present, every CUDA device's default generator.
DSFT_API int dsft_manual_seed(uint64_t seed) {
  DSFT_RETURN_STATUS({
    {
      auto g = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_current_seed(seed);
    }
    if (torch::cuda::is_available()) {
      for (size_t d = 0; d < torch::cuda::device_count(); ++d) {
        auto g = default_generator(static_cast<int>(c10::DeviceType::CUDA), static_cast<int>(d));
        std::lock_guard<std::mutex> lock(g.mutex());
        g.set_current_seed(seed);
      }
    }
  })
}

DSFT_API dsft_generator dsft_generator_new(int device_type, int device_index, uint64_t seed) {
  DSFT_TRY
    auto type = static_cast<c10::DeviceType>(device_type);
    if (type == c10::DeviceType::CPU) return new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed));
    at::Generator g = default_generator(device_type, device_index).clone();
    g.set_current_seed(seed);
    return new at::Generator(g);
  DSFT_CATCH(nullptr)
}

// A handle that shares the device's default generator (not a copy).
DSFT_API dsft_generator dsft_generator_default(int device_type, int device_index) {
  DSFT_TRY return new at::Generator(default_generator(device_type, device_index)); DSFT_CATCH(nullptr)
}

DSFT_API void dsft_generator_free(dsft_generator g) { delete g; }

DSFT_API dsft_tensor dsft_generator_get_state(dsft_generator g) {
  DSFT_TRY
    std::lock_guard<std::mutex> lock(g->mutex());
    return dsft::wrap(g->get_state());
  DSFT_CATCH(nullptr)
}

DSFT_API int dsft_generator_set_state(dsft_generator g, dsft_tensor state) {
  DSFT_RETURN_STATUS({
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_state(*state);
  })
}

DSFT_API int dsft_generator_set_seed(dsft_generator g, uint64_t seed) {
  DSFT_RETURN_STATUS({
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_current_seed(seed);
  })
}

DSFT_API uint64_t dsft_generator_initial_seed(dsft_generator g) { return g->current_seed(); }
