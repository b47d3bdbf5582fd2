// A mutex that counts: every lock and unlock of every instance, and every misuse (unlocking a mutex
// that is not locked, locking one that is already held, which would deadlock a real non-recursive
// mutex in these single-threaded checks, destroying one that is locked). Not thread-safe on purpose:
// it is for single-threaded tests of the library's locking discipline (core/sync.hpp).
#pragma once

namespace logto_test {

struct mutex_counts {
  long locks = 0;
  long unlocks = 0;
  long misuses = 0;
};

inline mutex_counts& counts() {
  static mutex_counts c;
  return c;
}

class counting_mutex {
 public:
  counting_mutex() = default;
  counting_mutex(const counting_mutex&) = delete;
  counting_mutex& operator=(const counting_mutex&) = delete;
  ~counting_mutex() {
    if (held_) ++counts().misuses;
  }

  void lock() noexcept {
    ++counts().locks;
    if (held_) ++counts().misuses;
    held_ = true;
  }
  void unlock() noexcept {
    ++counts().unlocks;
    if (!held_) ++counts().misuses;
    held_ = false;
  }
  bool try_lock() noexcept {
    if (held_) return false;
    lock();
    return true;
  }

 private:
  bool held_ = false;
};

}  // namespace logto_test
