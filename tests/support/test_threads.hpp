// LOGTO_TEST_THREADS: 1 when the standard library has std::thread and std::mutex (and <thread> and
// <mutex> are included), 0 for libstdc++ built without gthreads (mingw-w64's win32 thread model with
// GCC 12), libc++ built without threads (wasm32-wasi) or emscripten without -pthread (std::thread is
// declared but cannot start), where the tests that start threads are left out and the library runs on
// LOGTO_MUTEX or LOGTO_NO_THREADS.
#pragma once

#include <chrono>   // std::chrono::milliseconds, steady_clock
#include <cstddef>  // the standard library's configuration (_GLIBCXX_HAS_GTHREADS, _LIBCPP_HAS_NO_THREADS)

#if (defined(__GLIBCXX__) && !defined(_GLIBCXX_HAS_GTHREADS)) || defined(_LIBCPP_HAS_NO_THREADS) || \
    (defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__))
#define LOGTO_TEST_THREADS 0
#else
#define LOGTO_TEST_THREADS 1
#include <mutex>   // std::mutex
#include <thread>  // std::thread
#endif

namespace logto_test {
/// Waits `d`: std::this_thread::sleep_for, or, where the standard library has no threads (libc++ for
/// wasm32-wasi has no std::this_thread), a spin on the steady clock.
inline void sleep_for(std::chrono::milliseconds d) {
#if LOGTO_TEST_THREADS
  std::this_thread::sleep_for(d);
#else
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
  }
#endif
}
}  // namespace logto_test
