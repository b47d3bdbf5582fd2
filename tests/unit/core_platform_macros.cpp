// The library compiles after <windows.h> without NOMINMAX, whose function-like min and max macros
// break every `std::min(a, b)` (include/ writes `(std::min)(a, b)`). On Windows the real <windows.h>
// comes first (no NOMINMAX, no WIN32_LEAN_AND_MEAN). mingw-w64's minwindef.h leaves the two macros out
// in C++ while the Windows SDK (MSVC, clang-cl) defines them, so wherever they are missing they are
// defined here as the SDK spells them: after the standard headers (MSVC's are immune to the macros,
// libstdc++'s are not, and they are not what this checks), before the library. CMake compiles this
// file without the precompiled <logto/logto.hpp>, so the library really is read after the macros.
#if defined(_WIN32)
#include <windows.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <istream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>
#if defined(__has_include)
#if __has_include(<charconv>)
#include <charconv>
#endif
#endif

#include "catch2_compat.hpp"
#include "test_threads.hpp"  // <mutex> where there is one

#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))  // as the Windows SDK's minwindef.h
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))  // as the Windows SDK's minwindef.h
#endif

#include <logto/logto.hpp>

using namespace logto;

TEST_CASE("the library compiles and computes under <windows.h>'s min and max macros", "[core][platform]") {
  CHECK(min(3, 4) == 3);  // the macros are in force in this file
  CHECK(max(3, 4) == 4);
  // device_poller's back-off is written with (std::min) and (std::max): the interval doubles after a
  // transport failure, up to 60 s (oidc/device.hpp).
  oidc::device_authorization auth;
  auth.device_code = "DC";
  auth.expires_in = 3600;
  auth.interval = 5;
  oidc::device_poller poller(auth, 0);
  std::vector<std::int64_t> intervals;
  for (int i = 0; i < 5; ++i) {
    auto step = poller.on_poll_result(make_error(errc::transport_error, "unreachable"), 0);
    REQUIRE(step);
    intervals.push_back(poller.interval());
  }
  CHECK(intervals == std::vector<std::int64_t>{10, 20, 40, 60, 60});
}
