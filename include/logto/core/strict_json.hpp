/// @file
/// @brief JSON: a strict parser, type-checked accessors with field paths and a `JSON.stringify`-exact
/// writer, over the one model of `core/json_value.hpp`.
///
/// The parser follows RFC 8259 strictly (plus: no duplicate member names, finite numbers, valid UTF-8,
/// no lone surrogates, bounded depth and size) and never throws. Objects keep document order.
///
/// Numbers: as JSON.parse reads them (`1e-400` is 0), except that `1e400` is refused. No non-finite
/// number reaches any JSON the library writes: the parser makes none, and the writers here write `null`
/// for one, as JSON.stringify does.
///
/// Reading: `json::reader` (a value and its path: `token response: "expires_in" must be an integer
/// JSON number`) and the `json::as_*` / `json::get_*` helpers check every type; no code outside this
/// header and `json_value.hpp` calls `get<T>()`.
#pragma once

#include <algorithm>
#include <cfloat>  // FLT_EVAL_METHOD
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <clocale>
#if defined(__has_include)
#if __has_include(<charconv>)
#include <charconv>  // std::from_chars, std::to_chars
#endif
#endif

#include "logto/core/config.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/json_value.hpp"
#include "logto/core/result.hpp"

namespace logto {
namespace json {

/// Members in the order they should be written (kept from when objects were sorted maps; a
/// `json::object` keeps order itself).
using members = std::vector<std::pair<std::string, value>>;

/// The largest integer a JSON number (an IEEE double) holds exactly: 2^53 - 1.
inline constexpr std::int64_t max_safe_integer = 9007199254740991LL;

/// A parsed document. Objects keep their member order themselves now; `document` stays for code
/// written when they did not (`keys(obj)` is the member names in order).
class document {
 public:
  document() = default;
  explicit document(value root) : root_(std::move(root)) {}

  const value& root() const noexcept { return root_; }
  value& root() noexcept { return root_; }

  /// Member names of `obj` in document order.
  std::vector<std::string> keys(const object& obj) const {
    std::vector<std::string> out;
    out.reserve(obj.size());
    for (const auto& kv : obj) out.push_back(kv.first);
    return out;
  }

 private:
  value root_;
};

namespace detail {
/// The powers of ten a double holds exactly (10^22 is the last): the parser's fast path and the
/// firmware writer compute with them.
inline constexpr double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
}  // namespace detail

/// Strict RFC 8259 parser. Use `json::parse`.
class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

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
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
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
      // RFC 7515 4 / RFC 7519 4: duplicate member names are rejected, never "last one wins". Small
      // objects are checked as they grow; large ones once, sorted, so that no object costs n^2.
      if (obj.size() < small_object && obj.find(key) != obj.end()) {
        return set_error("duplicate member name \"" + key + "\"");
      }
      obj.append_unchecked(std::move(key), std::move(member));
      skip_ws();
      if (pos_ >= text_.size()) return set_error("unterminated object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return obj.size() <= small_object || check_unique(obj);
      }
      return set_error("expected ',' or '}'");
    }
  }

  static constexpr std::size_t small_object = 16;

  bool check_unique(const object& obj) {
    std::vector<const std::string*> names;
    names.reserve(obj.size());
    for (const auto& m : obj) names.push_back(&m.first);
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (std::size_t i = 1; i < names.size(); ++i) {
      if (*names[i] == *names[i - 1]) return set_error("duplicate member name \"" + *names[i] + "\"");
    }
    return true;
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
      const int v = logto::detail::hex_value(text_[pos_ + static_cast<std::size_t>(i)]);
      if (v < 0) return set_error("invalid \\u escape");
      cp = (cp << 4) | static_cast<std::uint32_t>(v);
    }
    pos_ += 4;
    return true;
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    const std::size_t start = pos_;
    bool non_ascii = false;
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
        unsigned char high = 0;  // any byte >= 0x80: only then is the UTF-8 check needed
        while (end < text_.size() && text_[end] != '"' && text_[end] != '\\' &&
               static_cast<unsigned char>(text_[end]) >= 0x20) {
          high |= static_cast<unsigned char>(text_[end]);
          ++end;
        }
        non_ascii = non_ascii || (high & 0x80u) != 0;
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
    // Escapes add only valid UTF-8, and a run of plain bytes cannot end inside a multi-byte sequence
    // (it stops at an ASCII byte), so checking the whole string is needed only when a run had a high byte.
    if (non_ascii && !is_valid_utf8(out)) {
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
      return set_error(LOGTO_JSON_SMALL_NUMBERS ? "number needs more than 15 significant digits or a power of ten "
                                                  "beyond +-22, which this build cannot read (LOGTO_JSON_SMALL_NUMBERS)"
                                                : "number out of range");
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
    if (exact_fast_path(s, d)) return true;
#if LOGTO_JSON_SMALL_NUMBERS
    return false;
#elif defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L && !defined(__NEWLIB__) && \
    !defined(LOGTO_JSON_NO_FROM_CHARS)
    const auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ptr != s.data() + s.size()) return false;
    // Out of range: too large, or too small for even a subnormal (libstdc++ also reports some
    // subnormals so); strtod then gives the rounded value, ±0 or ±HUGE_VAL.
    if (r.ec == std::errc::result_out_of_range) return strtod_c(s, d) && std::isfinite(d);
    if (r.ec != std::errc()) return false;
#else
    // newlib (firmware): its strtod (David Gay's, correctly rounded) is linked anyway, and libstdc++'s
    // from_chars for double would add about 19.5 KB of flash for numbers a device rarely sees.
    if (!strtod_c(s, d)) return false;
#endif
    return std::isfinite(d);
  }

  // Most numbers in OpenID JSON are integers (exp, iat, expires_in) or short decimals. When the
  // significant digits fit in 2^53 and the power of ten is at most 10^22, both are exact doubles and
  // one IEEE multiplication or division rounds correctly (Clinger 1990), so no general conversion is
  // needed. Only where doubles are evaluated in double precision (FLT_EVAL_METHOD 0).
  static bool exact_fast_path(std::string_view s, double& d) {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    std::size_t i = 0;
    const bool negative = s[0] == '-';
    if (negative) ++i;
    std::uint64_t mantissa = 0;
    int digits = 0, exp10 = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (digits != 0 || s[i] != '0') ++digits;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (digits > 15) return false;
    }
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (digits != 0 || s[i] != '0') ++digits;
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(s[i] - '0');
        --exp10;
        if (digits > 15) return false;
      }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      bool exp_negative = false;
      if (s[i] == '+' || s[i] == '-') exp_negative = s[i++] == '-';
      int e = 0;
      for (; i < s.size(); ++i) {
        e = e * 10 + (s[i] - '0');
        if (e > 400) return false;
      }
      exp10 += exp_negative ? -e : e;
    }
    if (exp10 < -22 || exp10 > 22) return false;
    const auto m = static_cast<double>(mantissa);  // exact: below 10^15 < 2^53
    d = exp10 < 0 ? m / detail::exact_pow10[-exp10] : m * detail::exact_pow10[exp10];
    if (negative) d = -d;
    return true;
#else
    (void)s;
    (void)d;
    return false;
#endif
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
  std::size_t pos_ = 0;
  bool failed_ = false;
  error error_;
};

/// Parses one JSON text strictly (see the file comment).
inline result<value> parse(std::string_view text) { return parser(text).run(); }

/// `json::parse` wrapped in a `document` (see there).
inline result<document> parse_document(std::string_view text) {
  auto v = parser(text).run();
  if (!v) return v.error();
  return document(std::move(*v));
}

// ---------------------------------------------------------------------------------------------
// Type-checked access. Every `get<T>()` in the library is behind one of these.

inline const object* as_object(const value& v) noexcept { return v.if_object(); }
inline const array* as_array(const value& v) noexcept { return v.if_array(); }
inline const std::string* as_string(const value& v) noexcept { return v.if_string(); }
inline const bool* as_bool(const value& v) noexcept { return v.if_bool(); }
inline const double* as_number(const value& v) noexcept { return v.if_number(); }
inline object* as_object(value& v) noexcept { return v.if_object(); }

/// The integer held by `v`, if it is a JSON number with no fractional part within +-(2^53 - 1).
inline std::optional<std::int64_t> as_integer(const value& v) noexcept {
  const double* p = v.if_number();
  if (p == nullptr) return std::nullopt;
  const double d = *p;
  if (!(d >= -static_cast<double>(max_safe_integer) && d <= static_cast<double>(max_safe_integer))) return std::nullopt;
  if (std::floor(d) != d) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

/// The member `key` of `obj`, or nullptr.
inline const value* find(const object& obj, std::string_view key) noexcept {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &it->second;
}

/// A JSON value read together with the path that leads to it, so that every error names the field:
/// `token response: "expires_in" must be an integer JSON number`,
/// `Tencent SMS response: "Response.SendStatusSet[0].Code" must be a string`.
///
///     json::reader r(doc, "token response");
///     auto token = r["access_token"].string();              // result<std::string>
///     auto expires = r["expires_in"].optional_integer();    // absent or null -> nullopt
///
/// A reader is a cheap view (a pointer and a path); it never copies the document. Reading through a
/// member that is absent gives an absent reader, so a chain fails at the first missing field with its
/// full path. Errors carry `code` (errc::invalid_json unless given) and the path as detail.
class reader {
 public:
  reader(const value& v, std::string_view context, errc code = errc::invalid_json)
      : v_(&v), context_(context), code_(code) {}
  reader(const object& obj, std::string_view context, errc code = errc::invalid_json)
      : obj_(&obj), context_(context), code_(code) {}
  reader(value&&, std::string_view, errc = errc::invalid_json) = delete;  // would outlive its value
  reader(object&&, std::string_view, errc = errc::invalid_json) = delete;

  /// The member `key` (absent when this is not an object or has no such member).
  reader operator[](std::string_view key) const {
    reader r(*this);
    r.v_ = nullptr;
    r.obj_ = nullptr;
    if (const object* o = as_object_ptr()) {
      const auto it = o->find(key);
      if (it != o->end()) r.v_ = &it->second;
    }
    if (!r.path_.empty()) r.path_ += '.';
    r.path_ += key;
    return r;
  }
  /// The element `i` (absent when this is not an array or is shorter).
  reader operator[](std::size_t i) const {
    reader r(*this);
    r.v_ = nullptr;
    r.obj_ = nullptr;
    if (v_ != nullptr) {
      if (const array* a = v_->if_array(); a != nullptr && i < a->size()) r.v_ = &(*a)[i];
    }
    r.path_ += '[';
    r.path_ += std::to_string(i);
    r.path_ += ']';
    return r;
  }

  bool present() const noexcept { return v_ != nullptr || obj_ != nullptr; }
  /// Absent, or JSON null.
  bool absent_or_null() const noexcept { return obj_ == nullptr && (v_ == nullptr || v_->is_null()); }
  /// The value, or nullptr when absent (a reader made from an object has no value of its own).
  const value* get() const noexcept { return v_; }
  const std::string& path() const noexcept { return path_; }

  /// An error about this field: `context: "path" <what>` (`context: <what>` at the root).
  error fail(std::string_view what) const {
    std::string msg(context_);
    if (!msg.empty()) msg += ": ";
    if (!path_.empty()) {
      msg += '"';
      msg += path_;
      msg += "\" ";
    }
    msg += what;
    return make_error(code_, std::move(msg), path_);
  }

  // Required values: absent (or of another type) is an error.
  result<std::string> string() const {
    if (const std::string* s = string_ptr()) return *s;
    return fail(present() ? "must be a string" : "is missing");
  }
  result<std::int64_t> integer() const {
    if (!present()) return fail("is missing");
    if (const auto i = v_ == nullptr ? std::nullopt : as_integer(*v_)) return *i;
    return fail("must be an integer JSON number");
  }
  result<double> number() const {
    if (v_ != nullptr && v_->if_number() != nullptr) return *v_->if_number();
    return fail(present() ? "must be a number" : "is missing");
  }
  result<bool> boolean() const {
    if (v_ != nullptr && v_->if_bool() != nullptr) return *v_->if_bool();
    return fail(present() ? "must be a boolean" : "is missing");
  }
  result<const object*> object_value() const {
    if (const object* o = as_object_ptr()) return o;
    return fail(present() ? "must be an object" : "is missing");
  }
  result<const array*> array_value() const {
    if (v_ != nullptr && v_->if_array() != nullptr) return v_->if_array();
    return fail(present() ? "must be an array" : "is missing");
  }

  // Optional values: absent gives nullopt; so does null, unless `null_is_value` is false.
  result<std::optional<std::string>> optional_string(bool null_is_absent = true) const {
    if (!present() || (null_is_absent && absent_or_null())) return std::optional<std::string>();
    if (const std::string* s = string_ptr()) return std::optional<std::string>(*s);
    return fail(null_is_absent ? "must be a string or null" : "must be a string");
  }
  result<std::optional<std::int64_t>> optional_integer(bool null_is_absent = true) const {
    if (!present() || (null_is_absent && absent_or_null())) return std::optional<std::int64_t>();
    if (const auto i = v_ == nullptr ? std::nullopt : as_integer(*v_)) return std::optional<std::int64_t>(*i);
    return fail("must be an integer JSON number");
  }
  result<std::optional<bool>> optional_boolean(bool null_is_absent = true) const {
    if (!present() || (null_is_absent && absent_or_null())) return std::optional<bool>();
    if (v_ != nullptr && v_->if_bool() != nullptr) return std::optional<bool>(*v_->if_bool());
    return fail("must be a boolean");
  }
  /// An array of strings; absent or null gives an empty list.
  result<std::vector<std::string>> string_list() const {
    std::vector<std::string> out;
    if (absent_or_null()) return out;
    const array* a = v_ == nullptr ? nullptr : v_->if_array();
    if (a == nullptr) return fail("must be an array of strings");
    out.reserve(a->size());
    for (const auto& e : *a) {
      const std::string* s = e.if_string();
      if (s == nullptr) return fail("must be an array of strings");
      out.push_back(*s);
    }
    return out;
  }

  /// Pointers for code that branches on the type itself (nullptr when absent or of another type).
  const std::string* string_ptr() const noexcept { return v_ == nullptr ? nullptr : v_->if_string(); }
  const object* as_object_ptr() const noexcept {
    return obj_ != nullptr ? obj_ : v_ == nullptr ? nullptr : v_->if_object();
  }

 private:
  const value* v_ = nullptr;
  const object* obj_ = nullptr;
  std::string context_;
  errc code_;
  std::string path_;
};

/// A required string member. `context` prefixes the error message ("token response").
inline result<std::string> get_string(const object& obj, std::string_view key, std::string_view context = {}) {
  return reader(obj, context)[key].string();
}

/// An optional string member: absent (or, with `null_is_absent`, null) gives nullopt.
inline result<std::optional<std::string>> get_optional_string(const object& obj, std::string_view key,
                                                              std::string_view context = {},
                                                              bool null_is_absent = false) {
  const reader r = reader(obj, context)[key];
  if (!r.present() || (null_is_absent && r.absent_or_null())) return std::optional<std::string>();
  return r.optional_string(false);
}

/// A required integer member (a JSON number, integral, within +-(2^53 - 1); a string is an error).
inline result<std::int64_t> get_integer(const object& obj, std::string_view key, std::string_view context = {}) {
  return reader(obj, context)[key].integer();
}

/// An optional integer member.
inline result<std::optional<std::int64_t>> get_optional_integer(const object& obj, std::string_view key,
                                                                std::string_view context = {}) {
  return reader(obj, context)[key].optional_integer(false);
}

/// An optional boolean member.
inline result<std::optional<bool>> get_optional_bool(const object& obj, std::string_view key,
                                                     std::string_view context = {}) {
  return reader(obj, context)[key].optional_boolean(false);
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
#if LOGTO_JSON_SMALL_NUMBERS
/// 10^e: exact for |e| <= 22, a product of those beyond (inexact; only used to find a decade).
inline double pow10_small(int e) noexcept {
  double r = 1;
  for (; e > 22; e -= 22) r *= 1e22;
  for (; e < -22; e += 22) r /= 1e22;
  return e >= 0 ? r * exact_pow10[e] : r / exact_pow10[-e];
}

/// The firmware writer (LOGTO_JSON_SMALL_NUMBERS): no general binary-to-decimal conversion is linked.
/// For p = 1..15 significant digits it tries the p-digit decimals next to `v` and keeps the first that
/// reads back as exactly `v` (checked with one correctly rounded IEEE operation, as the parser's fast
/// path reads it); adjacent p-digit decimals are more than 4 ulps apart, so at most one does, and it
/// is what JavaScript writes. A number that needs 16 or 17 digits, or a power of ten beyond +-22, is
/// written rounded to 15 significant digits (the parser in this mode refuses such numbers anyway).
inline void js_shortest_digits(double v, std::string& digits, int& n) {
  int b = 0;
  (void)std::frexp(v, &b);
  int k = static_cast<int>(std::floor((b - 1) * 0.30102999566398120));
  while (pow10_small(k + 1) <= v) ++k;
  while (k > -400 && pow10_small(k) > v) --k;
  std::uint64_t best = 0;
  int best_e = k + 1 - 15;
  bool found = false;
  for (int p = 1; p <= 15 && !found; ++p) {
    const int e = k + 1 - p;
    if (e < -22 || e > 22) continue;
    const double r = std::floor((e >= 0 ? v / pow10_small(e) : v * pow10_small(-e)) + 0.5);
    for (const double c : {r - 1, r, r + 1}) {
      if (c <= 0 || c >= 1e15) continue;
      if ((e >= 0 ? c * pow10_small(e) : c / pow10_small(-e)) == v) {
        best = static_cast<std::uint64_t>(c);
        best_e = e;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    const double scaled = best_e >= 0 ? v / pow10_small(best_e) : v * pow10_small(-best_e);
    best = static_cast<std::uint64_t>(std::floor(scaled + 0.5));
  }
  digits = std::to_string(best);
  n = static_cast<int>(digits.size()) + best_e;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}
#else
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
#endif

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

namespace detail {
/// True when `key` is a canonical array index ("0", "17"; not "01", below 2^32 - 1): JavaScript
/// puts such keys first, in numeric order, when it enumerates an object.
inline bool is_array_index(std::string_view key, std::uint32_t& index) noexcept {
  if (key.empty() || key.size() > 10) return false;
  if (key.size() > 1 && key[0] == '0') return false;
  std::uint64_t v = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v >= 4294967295ULL) return false;
  index = static_cast<std::uint32_t>(v);
  return true;
}
}  // namespace detail

template <class F>
void value::for_each_member_js_order(F&& f) const {
  if (kind_ != kind::object) return;
  const auto& list = u_.o->members();
  bool any_index = false;
  std::uint32_t idx = 0;
  for (const auto& m : list) {
    if (detail::is_array_index(m.first, idx)) {
      any_index = true;
      break;
    }
  }
  if (!any_index) {  // the usual case: plain insertion order, no allocation
    for (const auto& m : list) f(m);
    return;
  }
  std::vector<std::pair<std::uint32_t, std::size_t>> indexed;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (detail::is_array_index(list[i].first, idx)) indexed.emplace_back(idx, i);
  }
  std::sort(indexed.begin(), indexed.end());
  for (const auto& p : indexed) f(list[p.second]);
  for (const auto& m : list) {
    if (!detail::is_array_index(m.first, idx)) f(m);
  }
}

inline void value::append_json(std::string& out) const {
  switch (kind_) {
    case kind::null: out += "null"; return;
    case kind::boolean: out += u_.b ? "true" : "false"; return;
    case kind::number: append_number(out, u_.d); return;
    case kind::string: append_quoted(out, *u_.s); return;
    case kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : *u_.a) {
        if (!first) out += ',';
        first = false;
        e.append_json(out);
      }
      out += ']';
      return;
    }
    case kind::object: {
      out += '{';
      bool first = true;
      for_each_member_js_order([&out, &first](const object::value_type& m) {
        if (!first) out += ',';
        first = false;
        append_quoted(out, m.first);
        out += ':';
        m.second.append_json(out);
      });
      out += '}';
      return;
    }
  }
}

inline void value::append_js_string(std::string& out) const {
  switch (kind_) {
    case kind::null: out += "null"; return;
    case kind::boolean: out += u_.b ? "true" : "false"; return;
    case kind::number: append_js_number(out, u_.d); return;
    case kind::string: out += *u_.s; return;
    case kind::array:
      // Array.prototype.join(","): null and undefined elements are empty.
      for (std::size_t i = 0; i < u_.a->size(); ++i) {
        if (i != 0) out += ',';
        if (!(*u_.a)[i].is_null()) (*u_.a)[i].append_js_string(out);
      }
      return;
    case kind::object: out += "[object Object]"; return;
  }
}

inline result<value> value::parse(std::string_view text) { return json::parse(text); }

/// Appends `v` as JSON.stringify would (see `value::append_json`).
inline void append(std::string& out, const value& v) { v.append_json(out); }

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
