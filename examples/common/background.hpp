// A task on a second thread and a sleep, for the examples' test-provider helpers (the stand-in browser,
// the stand-in user approving a device code). std::thread where the C++ library has threads; the Windows
// API where it has none (mingw-w64 with the win32 thread model and GCC 12 has no std::thread).
#pragma once

#include <functional>  // std::function
#include <memory>      // std::unique_ptr
#include <utility>     // std::move

#if defined(_WIN32) && !defined(_GLIBCXX_HAS_GTHREADS) && defined(__GLIBCXX__)
#define LOGTO_EXAMPLES_WIN32_THREADS 1
#include <winsock2.h>  // first, so a later <winsock2.h> does not meet <windows.h>'s winsock.h
#include <windows.h>   // CreateThread, WaitForSingleObject, Sleep
#else
#include <chrono>  // std::chrono::milliseconds
#include <thread>  // std::thread, std::this_thread::sleep_for
#endif

namespace logto_examples {

/// Pauses the calling thread (the examples' pacing; the library itself never sleeps).
inline void sleep_ms(long ms) {
#if defined(LOGTO_EXAMPLES_WIN32_THREADS)
  ::Sleep(static_cast<DWORD>(ms));
#else
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
#endif
}

/// Runs one function on a second thread; join() (or the destructor) waits for it.
class background_task {
 public:
  background_task() = default;
  background_task(const background_task&) = delete;
  background_task& operator=(const background_task&) = delete;
  ~background_task() { join(); }

  void start(std::function<void()> fn) {
    join();
#if defined(LOGTO_EXAMPLES_WIN32_THREADS)
    auto* work = new std::function<void()>(std::move(fn));
    thread_ = ::CreateThread(nullptr, 0, &background_task::run, work, 0, nullptr);
    if (thread_ == nullptr) {  // no thread: run it here rather than not at all
      std::unique_ptr<std::function<void()>> owned(work);
      (*owned)();
    }
#else
    thread_ = std::thread(std::move(fn));
#endif
  }

  void join() {
#if defined(LOGTO_EXAMPLES_WIN32_THREADS)
    if (thread_ != nullptr) {
      ::WaitForSingleObject(thread_, INFINITE);
      ::CloseHandle(thread_);
      thread_ = nullptr;
    }
#else
    if (thread_.joinable()) thread_.join();
#endif
  }

 private:
#if defined(LOGTO_EXAMPLES_WIN32_THREADS)
  static DWORD WINAPI run(LPVOID context) {
    std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(context));
    (*fn)();
    return 0;
  }
  HANDLE thread_ = nullptr;
#else
  std::thread thread_;
#endif
};

}  // namespace logto_examples
