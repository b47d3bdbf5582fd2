// The three hooks a firmware gives logto-cpp (tests/embedded/smoke.cpp; README "Embedded"): a clock, a random
// source fed by an entropy callback, and a mutex. Standard headers only: this file is also LOGTO_MUTEX_HEADER,
// read by core/sync.hpp before anything of the library is declared.
#pragma once

#include <cstddef>
#include <cstdint>

namespace board {

// The board's real-time clock, in unix seconds. A firmware sets it from SNTP, GNSS or a battery-backed RTC;
// the smoke sets it to its fixture's time. Models logto::is_clock.
inline std::int64_t rtc_seconds = 0;
struct rtc_clock {
  std::int64_t now() const { return rtc_seconds; }
};

// The entropy callback: fills `out` from the board's TRNG, false when it cannot. QEMU's mps2-an386 has no TRNG,
// so the smoke installs its own callbacks (a fixed generator, or a replay of recorded bytes).
using entropy_callback = bool (*)(unsigned char* out, std::size_t n);
inline entropy_callback entropy = nullptr;
// Models logto::crypto::is_random_source. A device whose TRNG is slow would seed an mbedTLS CTR-DRBG from the
// callback instead (mbedtls_ctr_drbg_seed) and fill from that; never a weak fallback when it fails.
struct trng_random {
  bool fill(unsigned char* out, std::size_t n) { return entropy != nullptr && entropy(out, n); }
};

// LOGTO_MUTEX on a single-core Cortex-M without an RTOS: a critical section that masks interrupts (PRIMASK) and
// restores the previous mask, so that the library's locks nest. An RTOS build would wrap its own mutex here
// (FreeRTOS xSemaphoreTake / xSemaphoreGive, Zephyr k_mutex_lock / k_mutex_unlock). The counters let the smoke
// check that the library locks through it.
struct irq_mutex {
  static inline unsigned locks = 0, unlocks = 0;
  void lock() {
#if defined(__arm__)
    std::uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    saved_ = primask;
#endif
    ++locks;
  }
  void unlock() {
    ++unlocks;
#if defined(__arm__)
    __asm__ volatile("msr primask, %0" ::"r"(saved_) : "memory");
#endif
  }

 private:
  std::uint32_t saved_ = 0;
};

}  // namespace board
