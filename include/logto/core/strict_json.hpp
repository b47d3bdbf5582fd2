/// @file
/// @brief JSON over picojson: a strict parser, type-checked accessors and a `JSON.stringify`-exact writer.
///
/// picojson is the document model (`picojson::value`); its own parser is not used, because it throws
/// on `1e400`, silently keeps the last of duplicate member names and is lenient about UTF-8. The parser
/// here follows RFC 8259 strictly (plus: no duplicate names, finite numbers, valid UTF-8, no lone
/// surrogates, bounded depth and size) and never throws. Accessors check types before `get<T>()`.
///
/// Numbers: as JSON.parse reads them (`1e-400` is 0), except that `1e400` is refused. No non-finite
/// number reaches any JSON the library writes: the parser makes none, the writers here write `null`
/// for one (as JSON.stringify does), and a `picojson::value` built from one stops the program in every
/// build (picojson throws; without exceptions it aborts, see below). Write JSON with `json::stringify`,
/// not picojson's `serialize()`: a number changed in place through `get<double>()` is not checked.
#pragma once

// Everything picojson.h includes, included first, so that the keyword trick below cannot reach the
// standard library's own headers.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <istream>  // picojson's operator>> (see the <iostream> note below)
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <ostream>  // picojson's operator<<
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <clocale>
#include <locale.h>
#if defined(__has_include)
#if __has_include(<charconv>)
#include <charconv>  // std::from_chars, std::to_chars
#endif
#endif

#include "logto/core/config.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/result.hpp"

#if !LOGTO_HAS_EXCEPTIONS && !defined(PICOJSON_ASSERT)
// picojson's default assertion throws. We check every type before get<T>(), so this never fires.
#define PICOJSON_ASSERT(e)  \
  do {                      \
    if (!(e)) std::abort(); \
  } while (0)
#define LOGTO_DEFINED_PICOJSON_ASSERT
#endif

#if !LOGTO_HAS_EXCEPTIONS && ((defined(__GNUC__) && !defined(__clang__)) || defined(__wasm__))
// picojson's value(double) has `throw std::overflow_error("")` for a non-finite number, which g++
// refuses to compile under -fno-exceptions. clang accepts it in a system header and terminates when it
// runs, except on WebAssembly: there it still calls __cxa_throw, which Debian's wasm32 libc++abi (built
// without exceptions) does not define, so the program does not link. So for the duration of the include
// the throw becomes `std::abort(), (void)`: a NaN or an infinity still stops right there, as the
// uncaught exception would, and no picojson value can hold one (picojson's own serialize() would print
// `nan`; JSON has no such number). The library never gets there: its parser refuses non-finite numbers
// and it builds no number from anything else.
#pragma push_macro("throw")
#undef throw
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wkeyword-macro"
#endif
#define throw std::abort(), (void)
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#define LOGTO_PUSHED_THROW
#endif

// picojson.h includes <iostream> for its stream operators, which need only std::istream and
// std::ostream (included above). <iostream> itself adds a static std::ios_base::Init object to every
// translation unit that includes it; on a statically linked device that object links in the whole
// stream and locale initialisation: 173 KB of flash and 6.4 KB of RAM on a Cortex-M4
// (benchmarks/README.md). So with libstdc++, <iostream> is skipped while picojson.h is read, and its
// guard is restored right after: a translation unit that includes <iostream> itself, before or after
// this header, gets all of it. Define LOGTO_KEEP_PICOJSON_IOSTREAM to let picojson include it.
#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM) && !defined(LOGTO_KEEP_PICOJSON_IOSTREAM)
// libstdc++'s own guard for <iostream>, set on purpose (see above).
// NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
#define _GLIBCXX_IOSTREAM 1
#define LOGTO_SKIPPED_IOSTREAM
#endif

#if defined(__has_include)
#if __has_include(<picojson/picojson.h>)
#include <picojson/picojson.h>  // vcpkg's spelling
#else
#include <picojson.h>  // Debian's and Conan's spelling
#endif
#else
#include <picojson.h>
#endif

#ifdef LOGTO_SKIPPED_IOSTREAM
#undef _GLIBCXX_IOSTREAM
#undef LOGTO_SKIPPED_IOSTREAM
#endif
#ifdef LOGTO_PUSHED_THROW
#undef throw
#pragma pop_macro("throw")
#undef LOGTO_PUSHED_THROW
#endif
#ifdef LOGTO_DEFINED_PICOJSON_ASSERT
#undef PICOJSON_ASSERT
#undef LOGTO_DEFINED_PICOJSON_ASSERT
#endif

namespace logto {
namespace json {

using value = picojson::value;
using object = picojson::object;
using array = picojson::array;

/// Members in the order they should be written (`picojson::object` is a sorted map).
using members = std::vector<std::pair<std::string, value>>;

/// The largest integer a JSON number (an IEEE double) holds exactly: 2^53 - 1.
inline constexpr std::int64_t max_safe_integer = 9007199254740991LL;

/// A parsed document that also remembers the order members were written in.
///
/// picojson keeps members in a sorted map; where order matters (custom mail headers, message
/// payloads) use `keys(obj)`. Move-only: the order is tied to the objects of this document.
class document {
 public:
  document() = default;
  document(document&&) = default;
  document& operator=(document&&) = default;
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  const value& root() const noexcept { return root_; }
  value& root() noexcept { return root_; }

  /// Member names of `obj` in document order (sorted order for an object not from this document).
  std::vector<std::string> keys(const object& obj) const {
    for (const auto& entry : order_) {
      if (entry.first == &obj) return entry.second;
    }
    std::vector<std::string> out;
    out.reserve(obj.size());
    for (const auto& kv : obj) out.push_back(kv.first);
    return out;
  }

 private:
  friend class parser;
  value root_;
  std::vector<std::pair<const object*, std::vector<std::string>>> order_;
};

/// Strict RFC 8259 parser producing picojson values. Use `json::parse` / `json::parse_document`.
class parser {
 public:
  parser(std::string_view text, document* order_sink) : text_(text), doc_(order_sink) {}

  result<value> run() {
    if (text_.size() > LOGTO_MAX_JSON_SIZE) {
      return fail("document larger than " + std::to_string(LOGTO_MAX_JSON_SIZE) + " bytes");
    }
    skip_ws();
    value v;
    if (!parse_value(v, 0)) return error_;
    skip_ws();
    if (pos_ != text_.size()) return fail("unexpected data after the JSON value");
    return v;
  }

 private:
  bool set_error(const std::string& why) {
    if (!failed_) {
      failed_ = true;
      error_ = make_error(errc::invalid_json, "invalid JSON at offset " + std::to_string(pos_) + ": " + why);
    }
    return false;
  }
  error fail(const std::string& why) {
    set_error(why);
    return error_;
  }
  void skip_ws() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }
  bool consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool parse_value(value& out, int depth) {
    if (pos_ >= text_.size()) return set_error("unexpected end of input");
    const char c = text_[pos_];
    switch (c) {
      case '{': return parse_object(out, depth + 1);
      case '[': return parse_array(out, depth + 1);
      case '"': {
        std::string s;
        if (!parse_string(s)) return false;
        out = value(std::move(s));
        return true;
      }
      case 't':
        if (!consume("true")) return set_error("invalid literal");
        out = value(true);
        return true;
      case 'f':
        if (!consume("false")) return set_error("invalid literal");
        out = value(false);
        return true;
      case 'n':
        if (!consume("null")) return set_error("invalid literal");
        out = value();
        return true;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return set_error("unexpected character");
    }
  }

  bool parse_object(value& out, int depth) {
    if (depth > LOGTO_MAX_JSON_DEPTH) return set_error("nesting deeper than " + std::to_string(LOGTO_MAX_JSON_DEPTH));
    ++pos_;  // '{'
    out = value(object());
    object& obj = out.get<object>();
    std::vector<std::string> order;
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      record(obj, std::move(order));
      return true;
    }
    for (;;) {
      skip_ws();
      if (pos_ >= text_.size() || text_[pos_] != '"') return set_error("expected a member name");
      std::string key;
      if (!parse_string(key)) return false;
      skip_ws();
      if (pos_ >= text_.size() || text_[pos_] != ':') return set_error("expected ':'");
      ++pos_;
      skip_ws();
      value member;
      if (!parse_value(member, depth)) return false;
      // RFC 7515 4 / RFC 7519 4: duplicate member names are rejected, never "last one wins".
      if (obj.find(key) != obj.end()) return set_error("duplicate member name \"" + key + "\"");
      if (doc_ != nullptr) order.push_back(key);
      obj.emplace(std::move(key), std::move(member));
      skip_ws();
      if (pos_ >= text_.size()) return set_error("unterminated object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        record(obj, std::move(order));
        return true;
      }
      return set_error("expected ',' or '}'");
    }
  }

  void record(const object& obj, std::vector<std::string>&& order) {
    if (doc_ != nullptr) doc_->order_.emplace_back(&obj, std::move(order));
  }

  bool parse_array(value& out, int depth) {
    if (depth > LOGTO_MAX_JSON_DEPTH) return set_error("nesting deeper than " + std::to_string(LOGTO_MAX_JSON_DEPTH));
    ++pos_;  // '['
    out = value(array());
    array& arr = out.get<array>();
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_ws();
      arr.emplace_back();
      if (!parse_value(arr.back(), depth)) return false;
      skip_ws();
      if (pos_ >= text_.size()) return set_error("unterminated array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return set_error("expected ',' or ']'");
    }
  }

  bool read_hex4(std::uint32_t& cp) {
    if (text_.size() - pos_ < 4) return set_error("truncated \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int v = detail::hex_value(text_[pos_ + static_cast<std::size_t>(i)]);
      if (v < 0) return set_error("invalid \\u escape");
      cp = (cp << 4) | static_cast<std::uint32_t>(v);
    }
    pos_ += 4;
    return true;
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    const std::size_t start = pos_;
    for (;;) {
      if (pos_ >= text_.size()) return set_error("unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c < 0x20) return set_error("control character in string");
      if (c != '\\') {
        // Copy a run of plain bytes at once; UTF-8 is validated below for the whole string.
        std::size_t end = pos_;
        while (end < text_.size() && text_[end] != '"' && text_[end] != '\\' &&
               static_cast<unsigned char>(text_[end]) >= 0x20) {
          ++end;
        }
        out.append(text_.data() + pos_, end - pos_);
        pos_ = end;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return set_error("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!read_hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return set_error("lone low surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!consume("\\u") || !read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return set_error("lone high surrogate in \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          logto::append_utf8(out, static_cast<char32_t>(cp));
          break;
        }
        default: return set_error("invalid escape");
      }
    }
    if (!is_valid_utf8(out)) {
      pos_ = start;
      return set_error("string is not valid UTF-8");
    }
    return true;
  }

  bool parse_number(value& out) {
    const std::size_t start = pos_;
    const auto digit = [this](std::size_t p) { return p < text_.size() && text_[p] >= '0' && text_[p] <= '9'; };
    if (text_[pos_] == '-') ++pos_;
    if (!digit(pos_)) return set_error("invalid number");
    if (text_[pos_] == '0') {
      ++pos_;
      if (digit(pos_)) return set_error("leading zero in number");
    } else {
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digit(pos_)) return set_error("invalid fraction");
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digit(pos_)) return set_error("invalid exponent");
      while (digit(pos_)) ++pos_;
    }
    double d = 0;
    if (!to_double(text_.substr(start, pos_ - start), d)) {
      pos_ = start;
      return set_error("number out of range");
    }
    out = value(d);
    return true;
  }

  // Numbers are read as JSON.parse reads them (ECMA-262 RoundMTOIEEE), so that a connector re-writes
  // exactly what JavaScript would: the nearest double, subnormals included, and a magnitude too small
  // for any double (1e-400) is 0, keeping its sign. Stricter than JSON.parse in one way only: a
  // magnitude too large for a double (1e400, Infinity in JavaScript) is refused, because no
  // non-finite number may enter a document (RFC 8259 6 has no such number).
  static bool to_double(std::string_view s, double& d) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
    const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ptr != s.data() + s.size()) return false;
    // Out of range: too large, or too small for even a subnormal (libstdc++ also reports some
    // subnormals so); strtod then gives the rounded value, ±0 or ±HUGE_VAL.
    if (r.ec == std::errc::result_out_of_range) return strtod_c(s, d) && std::isfinite(d);
    if (r.ec != std::errc()) return false;
#else
    if (!strtod_c(s, d)) return false;
#endif
    return std::isfinite(d);
  }

  // std::strtod on a JSON number whatever the locale (it reads the locale's decimal point).
  static bool strtod_c(std::string_view s, double& d) {
    std::string copy(s);
    const char* point = std::localeconv()->decimal_point;
    if (point != nullptr && point[0] != '.' && point[0] != '\0') std::replace(copy.begin(), copy.end(), '.', point[0]);
    char* end = nullptr;
    d = std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size();
  }

  std::string_view text_;
  document* doc_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  error error_;
};

/// Parses one JSON text strictly (see the file comment).
inline result<value> parse(std::string_view text) { return parser(text, nullptr).run(); }

/// Parses one JSON text strictly and remembers member order (see `document::keys`).
inline result<document> parse_document(std::string_view text) {
  document doc;
  auto v = parser(text, &doc).run();
  if (!v) return v.error();
  doc.root() = std::move(*v);
  return result<document>(std::move(doc));
}

// ---------------------------------------------------------------------------------------------
// Type-checked access. Every `get<T>()` in the library is behind one of these.

inline const object* as_object(const value& v) { return v.is<object>() ? &v.get<object>() : nullptr; }
inline const array* as_array(const value& v) { return v.is<array>() ? &v.get<array>() : nullptr; }
inline const std::string* as_string(const value& v) { return v.is<std::string>() ? &v.get<std::string>() : nullptr; }

/// The integer held by `v`, if it is a JSON number with no fractional part within +-(2^53 - 1).
inline std::optional<std::int64_t> as_integer(const value& v) {
  if (!v.is<double>()) return std::nullopt;
  const double d = v.get<double>();
  if (!(d >= -static_cast<double>(max_safe_integer) && d <= static_cast<double>(max_safe_integer))) return std::nullopt;
  if (std::floor(d) != d) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

/// The member `key` of `obj`, or nullptr.
inline const value* find(const object& obj, std::string_view key) {
  const auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &it->second;
}

namespace detail {
inline error type_error(std::string_view context, std::string_view key, std::string_view expected) {
  std::string msg;
  if (!context.empty()) {
    msg += context;
    msg += ": ";
  }
  msg += '"';
  msg += key;
  msg += "\" ";
  msg += expected;
  return make_error(errc::invalid_json, std::move(msg), std::string(key));
}
}  // namespace detail

/// A required string member. `context` prefixes the error message ("token response").
inline result<std::string> get_string(const object& obj, std::string_view key, std::string_view context = {}) {
  const value* v = find(obj, key);
  if (v == nullptr) return detail::type_error(context, key, "is missing");
  const std::string* s = as_string(*v);
  if (s == nullptr) return detail::type_error(context, key, "must be a string");
  return *s;
}

/// An optional string member: absent (or, with `null_is_absent`, null) gives nullopt.
inline result<std::optional<std::string>> get_optional_string(const object& obj, std::string_view key,
                                                              std::string_view context = {},
                                                              bool null_is_absent = false) {
  const value* v = find(obj, key);
  if (v == nullptr || (null_is_absent && v->is<picojson::null>())) return std::optional<std::string>();
  const std::string* s = as_string(*v);
  if (s == nullptr) return detail::type_error(context, key, "must be a string");
  return std::optional<std::string>(*s);
}

/// A required integer member (a JSON number, integral, within +-(2^53 - 1); a string is an error).
inline result<std::int64_t> get_integer(const object& obj, std::string_view key, std::string_view context = {}) {
  const value* v = find(obj, key);
  if (v == nullptr) return detail::type_error(context, key, "is missing");
  const auto i = as_integer(*v);
  if (!i) return detail::type_error(context, key, "must be an integer JSON number");
  return *i;
}

/// An optional integer member.
inline result<std::optional<std::int64_t>> get_optional_integer(const object& obj, std::string_view key,
                                                                std::string_view context = {}) {
  const value* v = find(obj, key);
  if (v == nullptr) return std::optional<std::int64_t>();
  const auto i = as_integer(*v);
  if (!i) return detail::type_error(context, key, "must be an integer JSON number");
  return std::optional<std::int64_t>(*i);
}

/// An optional boolean member.
inline result<std::optional<bool>> get_optional_bool(const object& obj, std::string_view key,
                                                     std::string_view context = {}) {
  const value* v = find(obj, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is<bool>()) return detail::type_error(context, key, "must be a boolean");
  return std::optional<bool>(v->get<bool>());
}

// ---------------------------------------------------------------------------------------------
// Writing, byte-identical to JavaScript's JSON.stringify (the official SDK and connectors use it).

/// Appends `s` (UTF-8) as a JSON string literal, escaped as JSON.stringify does: `"` `\` and the
/// C0 controls (`\b \f \n \r \t`, others as lower-case `\u00xx`); everything else as raw UTF-8.
inline void append_quoted(std::string& out, std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += digits[c >> 4];
          out += digits[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

/// `s` as a JSON string literal.
inline std::string quote(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

namespace detail {
/// Shortest round-trip decimal digits of finite `v > 0`: v = 0.d1d2...dk * 10^n.
inline void js_shortest_digits(double v, std::string& digits, int& n) {
  char buf[64];
  int exp10 = 0;
  std::size_t len = 0;
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  len = static_cast<std::size_t>(r.ptr - buf);
#else
  for (int precision = 0; precision <= 16; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, v);
    std::string copy(buf);
    const char* point = std::localeconv()->decimal_point;
    if (point != nullptr && point[0] != '\0' && point[0] != '.') {
      for (char& c : copy) {
        if (c == '.') c = point[0];
      }
    }
    if (std::strtod(copy.c_str(), nullptr) == v) break;
  }
  len = std::char_traits<char>::length(buf);
#endif
  digits.clear();
  std::size_t i = 0;
  for (; i < len && buf[i] != 'e' && buf[i] != 'E'; ++i) {
    if (buf[i] >= '0' && buf[i] <= '9') digits += buf[i];  // skips the decimal point, whatever it is
  }
  if (i < len) {
    ++i;
    bool neg = false;
    if (i < len && (buf[i] == '+' || buf[i] == '-')) neg = buf[i++] == '-';
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; ++i) exp10 = exp10 * 10 + (buf[i] - '0');
    if (neg) exp10 = -exp10;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  n = exp10 + 1;
}

}  // namespace detail

/// Appends `String(d)` as JavaScript writes it (`1e+21`, `1e-7`, `0.000001`, `-0` -> `0`).
inline void append_js_number(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  std::string s;
  int n = 0;
  detail::js_shortest_digits(d, s, n);
  const int k = static_cast<int>(s.size());
  if (k <= n && n <= 21) {
    out += s;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(s, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(s, static_cast<std::size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += s;
  } else {
    out += s[0];
    if (k > 1) {
      out += '.';
      out.append(s, 1, std::string::npos);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
  }
}

/// Appends a number as JSON.stringify does: `String(d)` for finite numbers, `null` for NaN and infinities.
inline void append_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  append_js_number(out, d);
}

inline void append(std::string& out, const value& v);

/// Appends members in the given order as a JSON object.
inline void append_members(std::string& out, const members& m) {
  out += '{';
  bool first = true;
  for (const auto& kv : m) {
    if (!first) out += ',';
    first = false;
    append_quoted(out, kv.first);
    out += ':';
    append(out, kv.second);
  }
  out += '}';
}

/// Appends `v` as JSON.stringify would (object members in picojson's sorted order).
inline void append(std::string& out, const value& v) {
  if (v.is<picojson::null>()) {
    out += "null";
  } else if (v.is<bool>()) {
    out += v.get<bool>() ? "true" : "false";
  } else if (v.is<double>()) {
    append_number(out, v.get<double>());
  } else if (v.is<std::string>()) {
    append_quoted(out, v.get<std::string>());
  } else if (v.is<array>()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.get<array>()) {
      if (!first) out += ',';
      first = false;
      append(out, e);
    }
    out += ']';
  } else if (v.is<object>()) {
    out += '{';
    bool first = true;
    for (const auto& kv : v.get<object>()) {
      if (!first) out += ',';
      first = false;
      append_quoted(out, kv.first);
      out += ':';
      append(out, kv.second);
    }
    out += '}';
  }
}

/// `v` as compact JSON.
inline std::string stringify(const value& v) {
  std::string out;
  append(out, v);
  return out;
}

/// Ordered members as a compact JSON object.
inline std::string stringify(const members& m) {
  std::string out;
  append_members(out, m);
  return out;
}

}  // namespace json
}  // namespace logto
