#include "dsft.h"

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;
}  // namespace

void dsft::set_error(const char* message) {
  last_error = message == nullptr ? "" : message;
  has_error = true;
}

// Returns the last error of this thread (or nullptr) and clears it; the pointer stays valid until
// the next failing call on the same thread.
DSFT_API const char* dsft_take_last_error() {
  if (!has_error) return nullptr;
  has_error = false;
  return last_error.c_str();
}
