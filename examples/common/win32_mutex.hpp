// A mutex for Windows hosts whose C++ library has no std::mutex (mingw-w64 with the win32 thread
// model and GCC 12): a slim reader/writer lock (Windows Vista and later), used exclusively. Plug it
// into logto-cpp before any library header is read, e.g. from the build system:
//   -DLOGTO_MUTEX_HEADER='"examples/common/win32_mutex.hpp"' -DLOGTO_MUTEX=logto_examples::win32_mutex
// (include/logto/core/sync.hpp). The same pattern fits FreeRTOS (xSemaphoreCreateMutex) or Zephyr
// (k_mutex): a class with lock() and unlock().
#pragma once

// When <windows.h> has not been read yet, <winsock2.h> reads it: a program that uses sockets later (the
// examples) must not meet <windows.h>'s older winsock.h first. After the host's own <windows.h>, that
// order is the host's.
#if !defined(_WINDOWS_) && !defined(_INC_WINDOWS)
#include <winsock2.h>
#endif
#include <windows.h>  // SRWLOCK (NOMINMAX is not needed: the library is immune to min/max macros)

namespace logto_examples {

class win32_mutex {
 public:
  win32_mutex() noexcept { InitializeSRWLock(&lock_); }
  win32_mutex(const win32_mutex&) = delete;
  win32_mutex& operator=(const win32_mutex&) = delete;
  // An SRW lock needs no cleanup.

  void lock() noexcept { AcquireSRWLockExclusive(&lock_); }
  void unlock() noexcept { ReleaseSRWLockExclusive(&lock_); }
  bool try_lock() noexcept { return TryAcquireSRWLockExclusive(&lock_) != 0; }

 private:
  SRWLOCK lock_;
};

}  // namespace logto_examples
