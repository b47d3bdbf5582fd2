// Calendar conversion and the date formats the connectors need.
#include <logto/core/time.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

#include "catch2_compat.hpp"

using namespace logto;

TEST_CASE("ISO 8601 timestamps (Aliyun) and UTC days (Tencent TC3)", "[core][time]") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(format_iso8601(1704164645) == "2024-01-02T03:04:05Z");
  CHECK(format_iso8601(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(4102444799) == "2099-12-31T23:59:59Z");
  CHECK(format_date(1704067199) == "2023-12-31");
  CHECK(format_date(1704067200) == "2024-01-01");
}

TEST_CASE("RFC 5322 3.3 dates as nodemailer writes them", "[core][time]") {
  CHECK(format_rfc5322(1704164645) == "Tue, 02 Jan 2024 03:04:05 +0000");
  CHECK(format_rfc5322(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(format_rfc5322(-86400) == "Wed, 31 Dec 1969 00:00:00 +0000");
  CHECK(format_rfc5322(1709164800) == "Thu, 29 Feb 2024 00:00:00 +0000");
}

// The dates are written without printf: newlib-nano's printf has no %lld (the Cortex-M4 smoke signed an Aliyun
// request with "000ld-00-2024T..." before). The host's printf is the oracle for the padding and the sign.
TEST_CASE("date fields are padded like %0*lld, without printf", "[core][time]") {
  for (const std::int64_t v :
       {std::int64_t{0}, std::int64_t{7}, std::int64_t{-5}, std::int64_t{12345}, std::int64_t{-12345},
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    for (const int width : {2, 4}) {
      char expected[32];
      (void)std::snprintf(expected, sizeof expected, "%0*lld", width, static_cast<long long>(v));
      std::string got;
      detail::append_padded(got, v, width);
      CHECK(got == expected);
    }
  }
  // Years before 1000 and after 9999 keep printf's layout in every format.
  for (const std::int64_t t : {std::int64_t{-62135596800}, std::int64_t{-62198755200}, std::int64_t{253402300800}}) {
    const civil_time c = to_civil(t);
    char year[32];
    (void)std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(c.year));
    // Built with append, not `" " + std::string(...)`: g++ 12 at -O3 -std=gnu++20 reports a false
    // -Wstringop-overflow on that operator+ (a known GCC 12 diagnostic bug).
    std::string dash(year), spaced(" ");
    dash += '-';
    spaced += year;
    spaced += ' ';
    CHECK(format_iso8601(t).rfind(dash, 0) == 0);
    CHECK(format_date(t).rfind(dash, 0) == 0);
    CHECK(format_rfc5322(t).find(spaced) != std::string::npos);
  }
}

TEST_CASE("clocks", "[core][time]") {
  static_assert(is_clock<system_clock>::value, "");
  static_assert(is_clock<manual_clock>::value, "");
  static_assert(!is_clock<int>::value, "");
  CHECK(system_clock{}.now() > 1700000000);
  manual_clock c{42};
  CHECK(c.now() == 42);
}
