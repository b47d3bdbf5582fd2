/// @file
/// @brief Locking as a customisation point: `default_mutex`, `null_mutex`, `is_lockable` and a scoped lock.
///
/// The library locks in four places: `client` (its `Mutex` parameter), `memory_storage`, the
/// default random source and the first verification with a JWK (`detail::first_use_gate`). All of them use
/// `default_mutex` unless told otherwise, chosen here:
/// - `LOGTO_NO_THREADS` (bare metal, single-threaded engines): `null_mutex`, and nothing in the
///   library includes `<mutex>` (a host without threads needs no lock, whatever else is defined).
/// - else `LOGTO_MUTEX` defined: that type. For hosts without `std::mutex` (mingw-w64 with the win32
///   thread model, FreeRTOS, Zephyr) or with a mutex of their own. It must be declared before this
///   header is read; `LOGTO_MUTEX_HEADER`, when defined, is included first for that (both can come
///   from the build system: `-DLOGTO_MUTEX_HEADER='"my_mutex.hpp"' -DLOGTO_MUTEX=my::mutex`). Every
///   translation unit of a program must see the same choice.
/// - else `std::mutex`. A standard library without it (libstdc++ built without gthreads, libc++
///   built without threads as for wasm32-wasi) is a compile error that names both macros.
///
/// Any type with `void lock()` and `void unlock()` will do (`try_lock` is never called); the library
/// only ever locks through `detail::scoped_lock`, which unlocks on every path, and never copies or
/// moves a mutex.
#pragma once

#include <type_traits>  // std::false_type, std::true_type, std::void_t
#include <utility>      // std::declval

#include "logto/core/config.hpp"

#if defined(LOGTO_MUTEX_HEADER) && !LOGTO_NO_THREADS
#include LOGTO_MUTEX_HEADER
#endif

#if !LOGTO_NO_THREADS
#include <atomic>  // std::atomic<bool> (first_use_gate)
#endif

#if !defined(LOGTO_MUTEX) && !LOGTO_NO_THREADS
#include <mutex>  // std::mutex
#if (defined(__GLIBCXX__) && !defined(_GLIBCXX_HAS_GTHREADS)) || defined(_LIBCPP_HAS_NO_THREADS)
#error \
    "logto-cpp: this standard library has no std::mutex (e.g. mingw-w64 with the win32 thread model, WASI): \
define LOGTO_MUTEX as your mutex type (and LOGTO_MUTEX_HEADER as the header declaring it), or LOGTO_NO_THREADS=1"
#endif
#endif

namespace logto {

/// A mutex that does nothing, for single-threaded hosts (bare metal, one game thread).
struct null_mutex {
  void lock() noexcept {}
  void unlock() noexcept {}
  bool try_lock() noexcept { return true; }
};

/// True when `M` can serve as the library's mutex: `lock()` and `unlock()` on an lvalue.
template <class M, class = void>
struct is_lockable : std::false_type {};
template <class M>
struct is_lockable<M, std::void_t<decltype(std::declval<M&>().lock()), decltype(std::declval<M&>().unlock())>>
    : std::true_type {};

#if LOGTO_NO_THREADS
/// The mutex the library uses by default (`null_mutex` because LOGTO_NO_THREADS is defined).
using default_mutex = null_mutex;
#elif defined(LOGTO_MUTEX)
/// The mutex the library uses by default: `LOGTO_MUTEX`, as the host defined it.
using default_mutex = LOGTO_MUTEX;
#else
/// The mutex the library uses by default (`std::mutex`; define LOGTO_MUTEX or LOGTO_NO_THREADS to change it).
using default_mutex = std::mutex;
#endif

static_assert(is_lockable<default_mutex>::value, "LOGTO_MUTEX must name a type with lock() and unlock()");

namespace detail {
/// `std::lock_guard` without `<mutex>`.
template <class Mutex>
class scoped_lock {
  static_assert(is_lockable<Mutex>::value, "a logto mutex needs lock() and unlock()");

 public:
  explicit scoped_lock(Mutex& m) : m_(m) { m_.lock(); }
  scoped_lock(const scoped_lock&) = delete;
  scoped_lock& operator=(const scoped_lock&) = delete;
  ~scoped_lock() { m_.unlock(); }

 private:
  Mutex& m_;
};

/// Guards an object that mbedTLS completes on its first use (an EC group's base-point table, an RSA context's
/// R^2 mod N): calls run one at a time until one of them succeeds, and freely afterwards. A successful call has
/// written whatever the object caches, so later calls only read it and may run from several threads at once.
/// Once open, a call costs one acquire load more than the bare operation.
class first_use_gate {
 public:
  first_use_gate() = default;
  first_use_gate(const first_use_gate&) = delete;
  first_use_gate& operator=(const first_use_gate&) = delete;

  /// Runs `f` (returning 0 on success, like mbedTLS), serialised while the gate is still closed.
  template <class F>
  int run(F&& f) {
    if (open()) return f();
    scoped_lock<default_mutex> lock(mutex_);
    const int rc = f();
    if (rc == 0) set_open();
    return rc;
  }
  /// True once a call has succeeded.
  bool open() const noexcept {
#if LOGTO_NO_THREADS
    return open_;
#else
    return open_.load(std::memory_order_acquire);
#endif
  }

 private:
  void set_open() noexcept {
#if LOGTO_NO_THREADS
    open_ = true;
#else
    open_.store(true, std::memory_order_release);
#endif
  }
#if LOGTO_NO_THREADS
  bool open_ = false;
#else
  std::atomic<bool> open_{false};
#endif
  default_mutex mutex_;
};
}  // namespace detail

}  // namespace logto
