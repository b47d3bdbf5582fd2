// Benchmark-only workaround, force-included (-include) into footprint program (2) when the toolchain has
// no threads: arm-none-eabi's libstdc++ (newlib, no gthreads) declares no std::mutex, so the library's
// `#include <mutex>` + std::mutex members (core/crypto.hpp ctr_drbg_random, storage.hpp memory_storage)
// do not compile. This supplies a no-op std::mutex so the footprint can still be measured; run.sh reports
// that it was needed. It is NOT a fix: the library should take its mutex type from the host (see README).
#pragma once
#include <mutex>
#if !defined(_GLIBCXX_HAS_GTHREADS)
namespace std {
class mutex {
 public:
  constexpr mutex() noexcept = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  void lock() {}
  bool try_lock() { return true; }
  void unlock() {}
};
}  // namespace std
#endif
