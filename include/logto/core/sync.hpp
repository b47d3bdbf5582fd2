/// @file
/// @brief Locking without assuming threads: `null_mutex`, the default mutex type and a scoped lock.
///
/// Define `LOGTO_NO_THREADS` (bare metal, single-threaded engines) and nothing in the library includes
/// `<mutex>`: the default mutex becomes `null_mutex`.
#pragma once

#include "logto/core/config.hpp"

#if !LOGTO_NO_THREADS
#include <mutex>  // std::mutex
#endif

namespace logto {

/// A mutex that does nothing, for single-threaded hosts (bare metal, one game thread).
struct null_mutex {
  void lock() noexcept {}
  void unlock() noexcept {}
  bool try_lock() noexcept { return true; }
};

#if LOGTO_NO_THREADS
/// The mutex the library uses by default (`null_mutex` because LOGTO_NO_THREADS is defined).
using default_mutex = null_mutex;
#else
/// The mutex the library uses by default (`std::mutex`; define LOGTO_NO_THREADS for `null_mutex`).
using default_mutex = std::mutex;
#endif

namespace detail {
/// `std::lock_guard` without `<mutex>`.
template <class Mutex>
class scoped_lock {
 public:
  explicit scoped_lock(Mutex& m) : m_(m) { m_.lock(); }
  scoped_lock(const scoped_lock&) = delete;
  scoped_lock& operator=(const scoped_lock&) = delete;
  ~scoped_lock() { m_.unlock(); }

 private:
  Mutex& m_;
};
}  // namespace detail

}  // namespace logto
