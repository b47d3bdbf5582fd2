/// @file
/// @brief Clocks and date formatting (ISO 8601, RFC 5322) from unix seconds, without `gmtime`.
#pragma once

#include <chrono>       // std::chrono::system_clock
#include <cstdint>      // std::int64_t
#include <string>       // std::string
#include <type_traits>  // std::true_type, std::void_t
#include <utility>      // std::declval

namespace logto {

/// A clock is any type with `std::int64_t now()` returning unix seconds (UTC).
template <class C, class = void>
struct is_clock : std::false_type {};
template <class C>
struct is_clock<C, std::void_t<decltype(static_cast<std::int64_t>(std::declval<C&>().now()))>> : std::true_type {};

/// The default clock: `std::chrono::system_clock`, in whole seconds.
struct system_clock {
  std::int64_t now() const {
    return static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  }
};

/// A clock that says what it is told: for tests and for hosts with their own notion of time.
struct manual_clock {
  std::int64_t seconds = 0;
  std::int64_t now() const { return seconds; }
};

/// A UTC calendar time.
struct civil_time {
  std::int64_t year;
  int month;  ///< 1..12
  int day;    ///< 1..31
  int hour, minute, second;
  int weekday;  ///< 0 = Sunday
};

/// Splits unix seconds into a UTC calendar time (proleptic Gregorian; H. Hinnant's days algorithm).
inline civil_time to_civil(std::int64_t unix_seconds) noexcept {
  std::int64_t days = unix_seconds / 86400;
  std::int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  civil_time t{};
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>((secs % 3600) / 60);
  t.second = static_cast<int>(secs % 60);
  t.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
  return t;
}

namespace detail {
/// Appends `v` in decimal, zero-padded to `width` characters including a '-' sign, as printf's `%0*lld`. Written
/// out because newlib-nano's printf (the usual firmware libc) has no `%lld` and would print "ld".
inline void append_padded(std::string& out, std::int64_t v, int width) {
  char digits[24];
  int n = 0;
  // Magnitude without negating INT64_MIN: take digits of the negative value.
  std::int64_t rest = v;
  do {
    const int d = static_cast<int>(rest % 10);
    digits[n++] = static_cast<char>('0' + (d < 0 ? -d : d));
    rest /= 10;
  } while (rest != 0);
  if (v < 0) {
    out += '-';
    --width;
  }
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += digits[--n];
}
/// `03:04:05`.
inline void append_time_of_day(std::string& out, const civil_time& t) {
  append_padded(out, t.hour, 2);
  out += ':';
  append_padded(out, t.minute, 2);
  out += ':';
  append_padded(out, t.second, 2);
}
}  // namespace detail

/// `2024-01-02` (the UTC day): Tencent TC3's credential-scope date.
inline std::string format_date(std::int64_t unix_seconds) {
  const civil_time t = to_civil(unix_seconds);
  std::string out;
  out.reserve(24);
  detail::append_padded(out, t.year, 4);
  out += '-';
  detail::append_padded(out, t.month, 2);
  out += '-';
  detail::append_padded(out, t.day, 2);
  return out;
}

/// `2024-01-02T03:04:05Z` (ISO 8601 / RFC 3339, UTC, no fraction): Aliyun's `Timestamp`.
inline std::string format_iso8601(std::int64_t unix_seconds) {
  std::string out = format_date(unix_seconds);
  out += 'T';
  detail::append_time_of_day(out, to_civil(unix_seconds));
  out += 'Z';
  return out;
}

/// `Tue, 02 Jan 2024 03:04:05 +0000` (RFC 5322 3.3): the mail `Date` header as nodemailer writes it.
inline std::string format_rfc5322(std::int64_t unix_seconds) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const civil_time t = to_civil(unix_seconds);
  std::string out = days[t.weekday];
  out += ", ";
  detail::append_padded(out, t.day, 2);
  out += ' ';
  out += months[t.month - 1];
  out += ' ';
  detail::append_padded(out, t.year, 4);
  out += ' ';
  detail::append_time_of_day(out, t);
  out += " +0000";
  return out;
}

}  // namespace logto
