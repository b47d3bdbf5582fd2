// Calendar conversion and the date formats the connectors need.
#include <logto/core/time.hpp>

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

TEST_CASE("clocks", "[core][time]") {
  static_assert(is_clock<system_clock>::value, "");
  static_assert(is_clock<manual_clock>::value, "");
  static_assert(!is_clock<int>::value, "");
  CHECK(system_clock{}.now() > 1700000000);
  manual_clock c{42};
  CHECK(c.now() == 42);
}
