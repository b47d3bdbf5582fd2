// Replaced global operator new / delete that count allocations (calls, requested bytes, live and peak
// bytes). Counting is off unless `alloc_tracking(true)` was called (the `allocs` mode only), so that the
// timing and callgrind modes measure plain malloc/free plus one predictable branch.
// malloc/calloc made directly by C libraries (OpenSSL, libjwt, cjose, mbedTLS's calloc) are NOT seen.
#include <atomic>
#include <cstdlib>
#include <new>

#include <malloc.h>  // malloc_usable_size

#include "bench.hpp"

namespace {
bool g_tracking = false;  // set once, before any measurement; the benchmark is single-threaded
std::atomic<std::uint64_t> g_count{0};
std::atomic<std::uint64_t> g_bytes{0};
std::atomic<std::int64_t> g_live{0};  // signed: blocks allocated before tracking may be freed while it is on
std::atomic<std::int64_t> g_peak{0};

void note_alloc(void* p) noexcept {
  if (p == nullptr) return;
  const auto size = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t live = g_live.fetch_add(size, std::memory_order_relaxed) + size;
  std::int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}
void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  if (g_tracking) g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

void* counted_alloc_nothrow(std::size_t n) noexcept {
  if (g_tracking) {
    g_count.fetch_add(1, std::memory_order_relaxed);
    g_bytes.fetch_add(n, std::memory_order_relaxed);
  }
  if (n == 0) n = 1;
  void* p = std::malloc(n);
  if (g_tracking) note_alloc(p);
  return p;
}
void* counted_alloc(std::size_t n) {
  void* p = counted_alloc_nothrow(n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

namespace bench {
alloc_stats alloc_snapshot() noexcept {
  alloc_stats s;
  s.count = g_count.load(std::memory_order_relaxed);
  s.bytes = g_bytes.load(std::memory_order_relaxed);
  return s;
}
void alloc_tracking(bool on) noexcept { g_tracking = on; }
std::int64_t alloc_live() noexcept { return g_live.load(std::memory_order_relaxed); }
std::int64_t alloc_peak() noexcept { return g_peak.load(std::memory_order_relaxed); }
void alloc_reset_peak() noexcept { g_peak.store(g_live.load(std::memory_order_relaxed), std::memory_order_relaxed); }
}  // namespace bench

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc_nothrow(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc_nothrow(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
