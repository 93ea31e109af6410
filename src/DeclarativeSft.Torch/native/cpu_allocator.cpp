// A caching CPU allocator for large tensors. libtorch's default CPU allocator hands every buffer straight to
// malloc/free; glibc serves buffers above its mmap threshold (at most 32 MiB) with a fresh mmap each time, so
// each training step page-faults and zero-fills its activations and gradients again — perf showed that (kernel
// page-fault and clear_page time) as the largest cost of a small model's step after the matmuls. Training
// repeats the same shapes every step, so freed large blocks are kept here and handed out again (best fit
// within 1/8 extra). Small buffers go to the default allocator unchanged. Numerics are unaffected: only where
// the bytes live changes, and libtorch never assumes fresh memory is zeroed.
#include "dsft.h"
#include <c10/core/CPUAllocator.h>
#include <c10/core/alignment.h>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

namespace {

constexpr size_t kMinCachedBytes = 256 * 1024;  // below this glibc's bins already reuse memory without faults
constexpr size_t kGranule = 4096;

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(c10::Allocator* fallback) : fallback_(fallback) {}

  c10::DataPtr allocate(size_t nbytes) const override {
    if (nbytes < kMinCachedBytes) return fallback_->allocate(nbytes);
    size_t want = (nbytes + kGranule - 1) / kGranule * kGranule;
    void* p = nullptr;
    size_t size = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.lower_bound(want);
      if (it != free_.end() && it->first <= want + want / 8) {
        size = it->first;
        p = it->second;
        free_.erase(it);
        cached_bytes_ -= size;
        ++hits_;
      } else {
        ++misses_;
        // A miss that would push the cache past its limit drops the cached blocks (shapes changed).
        if (cached_bytes_ + want > limit_) release_cached_locked();
      }
    }
    if (p == nullptr) {
      size = want;
      p = fresh(size);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_[p] = size;
    }
    return {p, p, &CachingCpuAllocator::Release, c10::Device(c10::DeviceType::CPU)};
  }

  // Handles both our blocks and the fallback's (raw_allocate of a small size goes through the fallback).
  c10::DeleterFnPtr raw_deleter() const override { return &CachingCpuAllocator::Release; }

  static void Release(void* p) { instance->release(p); }

  void release(void* p) const {
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = live_.find(p);
    if (it == live_.end()) {
      lock.unlock();
      fallback_->raw_deleter()(p);
      return;
    }
    size_t size = it->second;
    live_.erase(it);
    if (cached_bytes_ + size <= limit_) {
      free_.emplace(size, p);
      cached_bytes_ += size;
      return;
    }
    lock.unlock();
    std::free(p);
  }

  void set_limit(size_t limit) {
    std::lock_guard<std::mutex> lock(mutex_);
    limit_ = limit;
    if (cached_bytes_ > limit_) release_cached_locked();
  }

  void empty_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    release_cached_locked();
  }

  void stats(int64_t* out) const {
    std::lock_guard<std::mutex> lock(mutex_);
    out[0] = static_cast<int64_t>(hits_);
    out[1] = static_cast<int64_t>(misses_);
    out[2] = static_cast<int64_t>(cached_bytes_);
    out[3] = static_cast<int64_t>(limit_);
  }

  static CachingCpuAllocator* instance;

 private:
  void* fresh(size_t size) const {
    void* p = nullptr;
    if (posix_memalign(&p, c10::gAlignment, size) != 0 || p == nullptr) {
      // Out of memory: give the cached blocks back and try once more.
      {
        std::lock_guard<std::mutex> lock(mutex_);
        release_cached_locked();
      }
      p = nullptr;
      if (posix_memalign(&p, c10::gAlignment, size) != 0 || p == nullptr)
        TORCH_CHECK(false, "DefaultCPUAllocator: not enough memory: you tried to allocate ", size, " bytes.");
    }
    return p;
  }

  void release_cached_locked() const {
    for (auto& entry : free_) std::free(entry.second);
    free_.clear();
    cached_bytes_ = 0;
  }

  c10::Allocator* fallback_;
  mutable std::mutex mutex_;
  mutable std::multimap<size_t, void*> free_;
  mutable std::unordered_map<void*, size_t> live_;
  mutable size_t cached_bytes_ = 0;
  mutable size_t hits_ = 0, misses_ = 0;
  size_t limit_ = 0;
};

CachingCpuAllocator* CachingCpuAllocator::instance = nullptr;
std::once_flag install_once;

}  // namespace

// Installs the caching allocator as libtorch's CPU allocator (once) and sets how many bytes of free blocks it
// may keep; 0 keeps none (every block is freed at once, like the default allocator).
DSFT_API int dsft_cpu_allocator_configure(int64_t cache_limit_bytes) {
  DSFT_RETURN_STATUS({
    std::call_once(install_once, [] {
      // Leaked on purpose: tensors freed during process exit still call into it.
      CachingCpuAllocator::instance = new CachingCpuAllocator(c10::GetDefaultCPUAllocator());
      c10::SetCPUAllocator(CachingCpuAllocator::instance, /*priority=*/1);
    });
    CachingCpuAllocator::instance->set_limit(cache_limit_bytes < 0 ? 0 : static_cast<size_t>(cache_limit_bytes));
  })
}

// out[0..3]: cache hits, misses, bytes held in free blocks, limit. All zero before configure.
DSFT_API int dsft_cpu_allocator_stats(int64_t* out) {
  DSFT_RETURN_STATUS({
    if (CachingCpuAllocator::instance == nullptr) {
      for (int k = 0; k < 4; ++k) out[k] = 0;
    } else {
      CachingCpuAllocator::instance->stats(out);
    }
  })
}

// Frees every cached block (the allocator stays installed).
DSFT_API int dsft_cpu_allocator_empty_cache() {
  DSFT_RETURN_STATUS({
    if (CachingCpuAllocator::instance != nullptr) CachingCpuAllocator::instance->empty_cache();
  })
}
