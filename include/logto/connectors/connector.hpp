/// @file
/// @brief What every passwordless connector shares: usage types, the message and its ordered payload,
/// template lookup, `{{placeholder}}` rendering, e-mail templates, config validation and error helpers.
///
/// Mirrors `@logto/connector-kit` 5.1.1 (TemplateType, SendMessageData, getConfigTemplateByType,
/// replaceSendMessageHandlebars, ConnectorErrorCodes), byte for byte.
///
/// API summary (stable; smtp.hpp and the provider headers build on it):
///
///   enum class usage_type { sign_in, register_, forgot_password, organization_invitation, generic,
///                           user_permission_validation, bind_new_identifier, mfa_verification, bind_mfa };
///   std::string_view to_string(usage_type);                        // "SignIn", "Register", ...
///   std::optional<usage_type> usage_type_from_string(std::string_view);
///   inline constexpr std::string_view required_usage_types[4];     // Register, SignIn, ForgotPassword, Generic
///
///   class value;      // ordered JSON value (objects keep insertion order, as JS objects do)
///     value::parse(json_text) -> result<value>; value::from_document(doc, v); value::from_json(picojson)
///     type(), if_bool/if_number/if_string/if_array/if_object, find(key)
///     to_json()       -> JSON.stringify(v)  (JS key order: array-index keys first, JS number format)
///     to_js_string()  -> String(v)          ("[object Object]", arrays joined with ",", null -> "null")
///   class payload;    // SendMessagePayload: an ordered object ({code, locale?, uiLocales?, user?, ...})
///     payload::parse(json_object_text) -> result<payload>; payload::from_value(value) -> result<payload>
///     set(key, value) (replaces in place, else appends), code(), link(), locale(), ui_locales(),
///     find(key), find_string(key), contains(key), erase(key), members(), as_value(), to_json()
///   struct message { std::string to; std::string type; connectors::payload payload; usage() };
///     type is connector-kit's TemplateType string; any string is allowed (unknown types stay usable).
///   std::string render_template(std::string_view tmpl, const payload&);   // replaceSendMessageHandlebars
///   const T* find_template(const std::vector<T>&, std::string_view type);         // exact, else "Generic"
///   const T* find_template_exact(const std::vector<T>&, std::string_view type);   // exact only (tencent)
///       (T needs a `std::string usage_type` member)
///   struct email_template { subject, content, content_type?, reply_to?, send_from? };
///   using i18n_email_template_provider =
///       std::function<std::optional<email_template>(std::string_view type, std::optional<std::string_view> locale)>;
///   std::int64_t unix_seconds_from_ms(std::int64_t ms);                // floor(ms / 1000)
///   detail::config_checker     // zod-like config validation: collects issues with their paths, never values;
///                              // templates() reads the `templates` array, require_templates() checks code-built ones
///   detail::i18n_template      // the host's i18n e-mail template for a message, if any
///   detail::template_not_found // connector-kit's "Cannot find template for type: <type>"
///   detail::send_http          // an HTTP connector's send(): build, send, wipe Authorization, parse
///   detail::transport_failure  // errc::general from a transport error (official connectors crash instead)
///   detail::excerpt            // a provider body, shortened for error details
///   detail::header_value_ok    // no CR/LF/NUL/control characters in a header value
///
/// Error codes are connector-kit's (errc::general, invalid_config, invalid_response, template_not_found,
/// rate_limit_exceeded, ...). Messages and details never contain secrets: config errors name the field
/// and the expected type, never the value.
#pragma once

#include <cmath>        // std::isnan, std::isinf, std::fabs
#include <cstddef>      // std::size_t, std::nullptr_t
#include <cstdint>      // std::int64_t, std::uint32_t
#include <cstdio>       // std::snprintf
#include <cstdlib>      // std::strtod
#include <functional>   // std::function
#include <optional>     // std::optional
#include <string>       // std::string
#include <string_view>  // std::string_view
#include <type_traits>  // std::enable_if, std::is_integral, std::decay
#include <utility>      // std::move, std::pair, std::declval
#include <vector>       // std::vector
#if defined(__has_include)
#if __has_include(<charconv>)
#include <charconv>  // std::to_chars
#endif
#endif
#include <clocale>  // std::localeconv

#include "logto/core/crypto.hpp"
#include "logto/core/encoding.hpp"
#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/core/time.hpp"
#include "logto/http.hpp"

namespace logto {
namespace connectors {

// ---------------------------------------------------------------------------------------------
// Usage types (connector-kit TemplateType, declaration order)

/// What a one-time code is for. The kit strings are `to_string` of these.
enum class usage_type {
  sign_in,                     ///< SignIn
  register_,                   ///< Register
  forgot_password,             ///< ForgotPassword
  organization_invitation,     ///< OrganizationInvitation
  generic,                     ///< Generic
  user_permission_validation,  ///< UserPermissionValidation
  bind_new_identifier,         ///< BindNewIdentifier
  mfa_verification,            ///< MfaVerification
  bind_mfa,                    ///< BindMfa
};

/// connector-kit's TemplateType string for `t` ("SignIn", "Register", ...).
constexpr std::string_view to_string(usage_type t) noexcept {
  switch (t) {
    case usage_type::sign_in: return "SignIn";
    case usage_type::register_: return "Register";
    case usage_type::forgot_password: return "ForgotPassword";
    case usage_type::organization_invitation: return "OrganizationInvitation";
    case usage_type::generic: return "Generic";
    case usage_type::user_permission_validation: return "UserPermissionValidation";
    case usage_type::bind_new_identifier: return "BindNewIdentifier";
    case usage_type::mfa_verification: return "MfaVerification";
    case usage_type::bind_mfa: return "BindMfa";
  }
  return "Generic";
}

/// The usage type named `s` (exact, case-sensitive, as the kit compares), or nullopt.
inline std::optional<usage_type> usage_type_from_string(std::string_view s) noexcept {
  for (int i = 0; i <= static_cast<int>(usage_type::bind_mfa); ++i) {
    const auto t = static_cast<usage_type>(i);
    if (to_string(t) == s) return t;
  }
  return std::nullopt;
}

/// Every connector's config refine requires templates for these usage types (in this order, which
/// is also the order the official error message lists the missing ones in).
inline constexpr std::string_view required_usage_types[4] = {"Register", "SignIn", "ForgotPassword", "Generic"};

/// floor(ms / 1000): Tencent's `Math.floor(Date.now() / 1000)`, and the seconds of Aliyun's
/// `toISOString()` with the milliseconds cut off.
constexpr std::int64_t unix_seconds_from_ms(std::int64_t ms) noexcept {
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

// ---------------------------------------------------------------------------------------------
// JavaScript helpers (numbers are formatted by json::append_js_number in core/strict_json.hpp)

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

// ---------------------------------------------------------------------------------------------
// Ordered JSON values

/// A JSON value whose objects keep member order (picojson sorts them; connector wire formats depend
/// on insertion order: `JSON.stringify(payload)`, `Object.values(payload)`).
class value {
 public:
  enum class kind : unsigned char { null, boolean, number, string, array, object };
  using array_type = std::vector<value>;
  using member = std::pair<std::string, value>;
  using object_type = std::vector<member>;

  value() noexcept {}
  value(std::nullptr_t) noexcept {}                              // NOLINT
  value(bool b) noexcept : kind_(kind::boolean), bool_(b) {}     // NOLINT
  value(double d) noexcept : kind_(kind::number), number_(d) {}  // NOLINT
  template <class I, typename std::enable_if<std::is_integral<I>::value && !std::is_same<I, bool>::value &&
                                                 !std::is_same<I, char>::value,
                                             int>::type = 0>
  value(I i) noexcept : kind_(kind::number), number_(static_cast<double>(i)) {}  // NOLINT
  value(std::string s) : kind_(kind::string), string_(std::move(s)) {}           // NOLINT
  value(const char* s) : kind_(kind::string), string_(s == nullptr ? "" : s) {}  // NOLINT
  value(std::string_view s) : kind_(kind::string), string_(s) {}                 // NOLINT
  value(array_type a) : kind_(kind::array), array_(std::move(a)) {}              // NOLINT
  value(object_type o) : kind_(kind::object), object_(std::move(o)) {}           // NOLINT

  /// An empty object / array.
  static value make_object() { return value(object_type{}); }
  static value make_array() { return value(array_type{}); }

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }
  const bool* if_bool() const noexcept { return kind_ == kind::boolean ? &bool_ : nullptr; }
  const double* if_number() const noexcept { return kind_ == kind::number ? &number_ : nullptr; }
  const std::string* if_string() const noexcept { return kind_ == kind::string ? &string_ : nullptr; }
  std::string* if_string() noexcept { return kind_ == kind::string ? &string_ : nullptr; }
  const array_type* if_array() const noexcept { return kind_ == kind::array ? &array_ : nullptr; }
  array_type* if_array() noexcept { return kind_ == kind::array ? &array_ : nullptr; }
  const object_type* if_object() const noexcept { return kind_ == kind::object ? &object_ : nullptr; }
  object_type* if_object() noexcept { return kind_ == kind::object ? &object_ : nullptr; }

  /// The member `key` of an object (nullptr if absent or not an object).
  const value* find(std::string_view key) const noexcept {
    if (kind_ != kind::object) return nullptr;
    for (const auto& m : object_) {
      if (m.first == key) return &m.second;
    }
    return nullptr;
  }
  value* find(std::string_view key) noexcept { return const_cast<value*>(static_cast<const value*>(this)->find(key)); }

  /// Converts a picojson value. Objects come out in picojson's (sorted) order unless `doc` is the
  /// document `v` was parsed into, in which case document order is kept.
  static value from_document(const json::document& doc, const json::value& v) { return convert(&doc, v); }
  static value from_json(const json::value& v) { return convert(nullptr, v); }

  /// Parses JSON text (strict RFC 8259, see core/strict_json.hpp) keeping member order.
  static result<value> parse(std::string_view text) {
    auto doc = json::parse_document(text);
    if (!doc) return doc.error();
    return from_document(*doc, doc->root());
  }

  /// `JSON.stringify(v)` byte for byte (JS key order, JS number format, JSON.stringify escaping).
  std::string to_json() const {
    std::string out;
    append_json(out);
    return out;
  }
  void append_json(std::string& out) const;

  /// `String(v)` as JavaScript computes it.
  std::string to_js_string() const {
    std::string out;
    append_js_string(out);
    return out;
  }
  void append_js_string(std::string& out) const;

  /// Calls `f(const member&)` for each member of an object in JavaScript's enumeration order
  /// (array-index keys ascending, then the rest in insertion order).
  template <class F>
  void for_each_member_js_order(F&& f) const;

 private:
  static value convert(const json::document* doc, const json::value& v) {
    if (v.is<picojson::null>()) return value();
    if (v.is<bool>()) return value(v.get<bool>());
    if (v.is<double>()) return value(v.get<double>());
    if (v.is<std::string>()) return value(v.get<std::string>());
    if (v.is<json::array>()) {
      array_type a;
      a.reserve(v.get<json::array>().size());
      for (const auto& e : v.get<json::array>()) a.push_back(convert(doc, e));
      return value(std::move(a));
    }
    const json::object& obj = v.get<json::object>();
    object_type o;
    o.reserve(obj.size());
    if (doc != nullptr) {
      for (const auto& key : doc->keys(obj)) {
        const json::value* member_value = json::find(obj, key);
        if (member_value != nullptr) o.emplace_back(key, convert(doc, *member_value));
      }
    } else {
      for (const auto& kv : obj) o.emplace_back(kv.first, convert(doc, kv.second));
    }
    return value(std::move(o));
  }

  kind kind_ = kind::null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  array_type array_;
  object_type object_;
};

template <class F>
void value::for_each_member_js_order(F&& f) const {
  if (kind_ != kind::object) return;
  bool any_index = false;
  std::uint32_t idx = 0;
  for (const auto& m : object_) {
    if (detail::is_array_index(m.first, idx)) {
      any_index = true;
      break;
    }
  }
  if (!any_index) {  // the usual case: plain insertion order, no allocation
    for (const auto& m : object_) f(m);
    return;
  }
  std::vector<std::pair<std::uint32_t, std::size_t>> indexed;
  for (std::size_t i = 0; i < object_.size(); ++i) {
    if (detail::is_array_index(object_[i].first, idx)) indexed.emplace_back(idx, i);
  }
  // Insertion sort keeps this header free of <algorithm>'s heavier parts; index keys are few.
  for (std::size_t i = 1; i < indexed.size(); ++i) {
    for (std::size_t j = i; j > 0 && indexed[j - 1].first > indexed[j].first; --j)
      std::swap(indexed[j - 1], indexed[j]);
  }
  for (const auto& p : indexed) f(object_[p.second]);
  for (const auto& m : object_) {
    if (!detail::is_array_index(m.first, idx)) f(m);
  }
}

inline void value::append_json(std::string& out) const {
  switch (kind_) {
    case kind::null: out += "null"; return;
    case kind::boolean: out += bool_ ? "true" : "false"; return;
    case kind::number:
      if (std::isnan(number_) || std::isinf(number_)) {
        out += "null";  // JSON.stringify(NaN) === "null"
      } else {
        json::append_js_number(out, number_);
      }
      return;
    case kind::string: json::append_quoted(out, string_); return;
    case kind::array: {
      out += '[';
      for (std::size_t i = 0; i < array_.size(); ++i) {
        if (i != 0) out += ',';
        array_[i].append_json(out);
      }
      out += ']';
      return;
    }
    case kind::object: {
      out += '{';
      bool first = true;
      for_each_member_js_order([&out, &first](const member& m) {
        if (!first) out += ',';
        first = false;
        json::append_quoted(out, m.first);
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
    case kind::boolean: out += bool_ ? "true" : "false"; return;
    case kind::number: json::append_js_number(out, number_); return;
    case kind::string: out += string_; return;
    case kind::array:
      // Array.prototype.join(","): null and undefined elements are empty.
      for (std::size_t i = 0; i < array_.size(); ++i) {
        if (i != 0) out += ',';
        if (!array_[i].is_null()) array_[i].append_js_string(out);
      }
      return;
    case kind::object: out += "[object Object]"; return;
  }
}

// ---------------------------------------------------------------------------------------------
// Payload and message

/// SendMessagePayload: `{ code?, link?, locale?, uiLocales?, ...anything }` in insertion order. Logto
/// core sends `{ code, locale?, uiLocales?, user?, organization?, application? }` (code first).
class payload {
 public:
  using member = value::member;

  payload() : root_(value::make_object()) {}

  /// Parses a JSON object, keeping member order at every depth.
  static result<payload> parse(std::string_view json_object_text) {
    auto v = value::parse(json_object_text);
    if (!v) return v.error();
    return from_value(std::move(*v));
  }
  /// Wraps an object value.
  static result<payload> from_value(value v) {
    if (v.if_object() == nullptr) {
      return make_error(errc::invalid_argument, "a message payload must be a JSON object");
    }
    payload p;
    p.root_ = std::move(v);
    return p;
  }

  /// Sets `key`: an existing member keeps its position (as JS assignment does), a new one is appended.
  payload& set(std::string key, value v) {
    if (value* existing = root_.find(key)) {
      *existing = std::move(v);
    } else {
      root_.if_object()->emplace_back(std::move(key), std::move(v));
    }
    return *this;
  }
  payload& code(std::string v) { return set("code", value(std::move(v))); }
  payload& link(std::string v) { return set("link", value(std::move(v))); }
  payload& locale(std::string v) { return set("locale", value(std::move(v))); }
  payload& ui_locales(std::string v) { return set("uiLocales", value(std::move(v))); }

  const value* find(std::string_view key) const noexcept { return root_.find(key); }
  /// The member `key` if it is a string.
  const std::string* find_string(std::string_view key) const noexcept {
    const value* v = root_.find(key);
    return v == nullptr ? nullptr : v->if_string();
  }
  bool contains(std::string_view key) const noexcept { return root_.find(key) != nullptr; }
  bool erase(std::string_view key) {
    auto& members = *root_.if_object();
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (it->first == key) {
        members.erase(it);
        return true;
      }
    }
    return false;
  }
  const std::vector<member>& members() const noexcept { return *root_.if_object(); }
  bool empty() const noexcept { return members().empty(); }
  std::size_t size() const noexcept { return members().size(); }

  /// The payload as an object value.
  const value& as_value() const noexcept { return root_; }
  /// `JSON.stringify(payload)`.
  std::string to_json() const { return root_.to_json(); }

 private:
  value root_;
};

/// SendMessageData: who gets the code, what it is for, and the payload.
struct message {
  std::string to;                ///< phone number or e-mail address, sent as is (twilio adds a leading '+')
  std::string type = "Generic";  ///< connector-kit TemplateType string; any string is allowed
  connectors::payload payload;

  message() = default;
  message(std::string to_, usage_type t, connectors::payload p = connectors::payload())
      : to(std::move(to_)), type(to_string(t)), payload(std::move(p)) {}
  message(std::string to_, std::string type_, connectors::payload p = connectors::payload())
      : to(std::move(to_)), type(std::move(type_)), payload(std::move(p)) {}

  /// The usage type if `type` is one of the kit's names.
  std::optional<usage_type> usage() const noexcept { return usage_type_from_string(type); }
};

// ---------------------------------------------------------------------------------------------
// Templates

/// `getConfigTemplateByType`: the first template whose usage_type equals `type`, else the first
/// `Generic` one, else nullptr. `Template` needs a `std::string usage_type` member.
template <class Template>
const Template* find_template(const std::vector<Template>& templates, std::string_view type) noexcept {
  for (const auto& t : templates) {
    if (t.usage_type == type) return &t;
  }
  for (const auto& t : templates) {
    if (t.usage_type == "Generic") return &t;
  }
  return nullptr;
}

/// Exact match only (tencent-sms has no Generic fallback).
template <class Template>
const Template* find_template_exact(const std::vector<Template>& templates, std::string_view type) noexcept {
  for (const auto& t : templates) {
    if (t.usage_type == type) return &t;
  }
  return nullptr;
}

/// What `getI18nEmailTemplate(type, locale)` resolves to (connector-kit EmailTemplateDetails).
struct email_template {
  std::string subject;
  std::string content;
  std::optional<std::string> content_type;  ///< "text/html" or "text/plain"
  std::optional<std::string> reply_to;
  std::optional<std::string> send_from;
};

/// The host's `getI18nEmailTemplate`: the custom template for a usage type and the payload's
/// locale (nullopt when the payload has no string `locale`), or nullopt to use the config template.
using i18n_email_template_provider =
    std::function<std::optional<email_template>(std::string_view type, std::optional<std::string_view> locale)>;

namespace detail {

/// `getI18nEmailTemplate?.(type, payload.locale)`: the host's template for `m`, or nullopt when
/// there is no provider or it has none (a `locale` that is not a string is passed as nullopt).
inline std::optional<email_template> i18n_template(const i18n_email_template_provider& provider, const message& m) {
  if (!provider) return std::nullopt;
  const std::string* locale = m.payload.find_string("locale");
  return provider(m.type,
                  locale == nullptr ? std::optional<std::string_view>() : std::optional<std::string_view>(*locale));
}

/// JavaScript's `\s` (ECMA-262 WhiteSpace + LineTerminator) at `s[i]`, as a UTF-8 byte length (0 = none).
inline std::size_t js_space_at(std::string_view s, std::size_t i) noexcept {
  const auto b = [&s](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = b(i);
  if (c == 0x09 || c == 0x0A || c == 0x0B || c == 0x0C || c == 0x0D || c == 0x20) return 1;
  if (c == 0xC2 && b(i + 1) == 0xA0) return 2;                      // U+00A0
  if (c == 0xE1 && b(i + 1) == 0x9A && b(i + 2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(i + 1) == 0x80) {
    const unsigned d = b(i + 2);
    if ((d >= 0x80 && d <= 0x8A) || d == 0xA8 || d == 0xA9 || d == 0xAF) return 3;  // U+2000-200A, 2028, 2029, 202F
  }
  if (c == 0xE2 && b(i + 1) == 0x81 && b(i + 2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(i + 1) == 0x80 && b(i + 2) == 0x80) return 3;  // U+3000
  if (c == 0xEF && b(i + 1) == 0xBB && b(i + 2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

inline bool is_js_word(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/// What `obj[part]` yields in JavaScript for the values a payload can hold.
struct js_ref {
  enum class type { undefined, value, number, native_function, literal } t = type::undefined;
  const value* v = nullptr;
  double number = 0;
  std::string_view text;  ///< function name (native_function) or the rendered text (literal)
};

/// Object.prototype's own property names (Node 20).
inline bool is_object_prototype_member(std::string_view k) noexcept {
  static constexpr std::string_view names[] = {
      "constructor",      "__defineGetter__", "__defineSetter__", "hasOwnProperty",
      "__lookupGetter__", "__lookupSetter__", "isPrototypeOf",    "propertyIsEnumerable",
      "toString",         "valueOf",          "__proto__",        "toLocaleString"};
  for (const auto n : names) {
    if (n == k) return true;
  }
  return false;
}

/// Array.prototype's own method names (Node 20), without `length` and `constructor`.
inline bool is_array_prototype_method(std::string_view k) noexcept {
  static constexpr std::string_view names[] = {
      "at",        "concat",        "copyWithin",     "fill",     "find",       "findIndex",
      "findLast",  "findLastIndex", "lastIndexOf",    "pop",      "push",       "reverse",
      "shift",     "unshift",       "slice",          "sort",     "splice",     "includes",
      "indexOf",   "join",          "keys",           "entries",  "values",     "forEach",
      "filter",    "flat",          "flatMap",        "map",      "every",      "some",
      "reduce",    "reduceRight",   "toLocaleString", "toString", "toReversed", "toSorted",
      "toSpliced", "with"};
  for (const auto n : names) {
    if (n == k) return true;
  }
  return false;
}

/// `obj[part]` for an object or array value (own members first, then the prototype chain).
inline js_ref js_get(const value& obj, std::string_view part) {
  js_ref r;
  if (const auto* arr = obj.if_array()) {
    std::uint32_t idx = 0;
    if (is_array_index(part, idx)) {
      if (idx < arr->size()) {
        r.t = js_ref::type::value;
        r.v = &(*arr)[idx];
      }
      return r;
    }
    if (part == "length") {
      r.t = js_ref::type::number;
      r.number = static_cast<double>(arr->size());
    } else if (part == "constructor") {
      r.t = js_ref::type::native_function;
      r.text = "Array";
    } else if (part == "__proto__") {
      r.t = js_ref::type::literal;  // String(Array.prototype) === ""
      r.text = "";
    } else if (is_array_prototype_method(part) || is_object_prototype_member(part)) {
      r.t = js_ref::type::native_function;
      r.text = part;
    }
    return r;
  }
  if (const value* m = obj.find(part)) {
    r.t = js_ref::type::value;
    r.v = m;
  } else if (part == "constructor") {
    r.t = js_ref::type::native_function;
    r.text = "Object";
  } else if (part == "__proto__") {
    r.t = js_ref::type::literal;  // String(Object.prototype)
    r.text = "[object Object]";
  } else if (is_object_prototype_member(part)) {
    r.t = js_ref::type::native_function;
    r.text = part;
  }
  return r;
}

}  // namespace detail

/// connector-kit `replaceSendMessageHandlebars(template, payload)`, byte for byte:
/// every match of `/{{\s*([\w.]+)\s*}}/g` whose root key (before the first '.') is in the payload
/// (own member or inherited Object.prototype member) becomes `String(getValue(payload, key) ?? '')`:
/// a known root with a missing leaf gives '', numbers are JS-formatted, objects `[object Object]`,
/// arrays are joined with ',', null gives ''. An unknown root leaves the placeholder as it is.
/// (Not emulated: properties of prototype values reached through `__proto__`.)
inline std::string render_template(std::string_view tmpl, const payload& p) {
  std::string out;
  out.reserve(tmpl.size() + 16);
  const value& root = p.as_value();
  std::size_t i = 0;
  const std::size_t n = tmpl.size();
  while (i < n) {
    if (tmpl[i] == '{' && i + 1 < n && tmpl[i + 1] == '{') {
      std::size_t j = i + 2;
      for (std::size_t w; (w = detail::js_space_at(tmpl, j)) != 0;) j += w;
      const std::size_t key_begin = j;
      while (j < n && (detail::is_js_word(tmpl[j]) || tmpl[j] == '.')) ++j;
      const std::size_t key_end = j;
      for (std::size_t w; (w = detail::js_space_at(tmpl, j)) != 0;) j += w;
      if (key_end > key_begin && j + 1 < n && tmpl[j] == '}' && tmpl[j + 1] == '}') {
        const std::string_view key = tmpl.substr(key_begin, key_end - key_begin);
        const std::string_view base = key.substr(0, key.find('.'));
        const bool known = !base.empty() && (root.find(base) != nullptr || detail::is_object_prototype_member(base));
        if (!known) {
          out.append(tmpl.data() + i, j + 2 - i);
        } else {
          // getValue: walk the path; stop with undefined at anything that is not an object.
          detail::js_ref cur;
          cur.t = detail::js_ref::type::value;
          cur.v = &root;
          std::size_t start = 0;
          for (;;) {
            const std::size_t dot = key.find('.', start);
            const std::string_view part = key.substr(start, dot == std::string_view::npos ? dot : dot - start);
            const bool traversable = cur.t == detail::js_ref::type::value && cur.v != nullptr &&
                                     (cur.v->if_object() != nullptr || cur.v->if_array() != nullptr);
            if (!traversable) {
              cur = detail::js_ref();
              break;
            }
            cur = detail::js_get(*cur.v, part);
            if (dot == std::string_view::npos) break;
            start = dot + 1;
          }
          switch (cur.t) {
            case detail::js_ref::type::undefined: break;
            case detail::js_ref::type::value:
              if (!cur.v->is_null()) cur.v->append_js_string(out);
              break;
            case detail::js_ref::type::number: json::append_js_number(out, cur.number); break;
            case detail::js_ref::type::native_function:
              out += "function ";
              out += cur.text;
              out += "() { [native code] }";
              break;
            case detail::js_ref::type::literal: out += cur.text; break;
          }
        }
        i = j + 2;
        continue;
      }
    }
    out += tmpl[i];
    ++i;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Config validation and error helpers

namespace detail {

/// zod-like validation of a connector's JSON config. Records every problem with its path
/// (`templates[2].usageType: expected a string, got a number`) and never a value, so secrets cannot
/// leak into messages. Owns the parsed document and wipes every string in it on destruction.
class config_checker {
 public:
  explicit config_checker(std::string_view connector) : connector_(connector) {}
  config_checker(const config_checker&) = delete;
  config_checker& operator=(const config_checker&) = delete;
  ~config_checker() { wipe_strings(doc_.root()); }

  /// Parses the config text; returns the root object, or nullptr after recording why not.
  const json::object* parse(std::string_view text) {
    auto doc = json::parse_document(text);
    if (!doc) {
      // The parser's message gives the offset and the problem, never the content (it quotes at most a
      // duplicate member name).
      issue("(config)", doc.error().message);
      return nullptr;
    }
    doc_ = std::move(*doc);
    const json::object* root = json::as_object(doc_.root());
    if (root == nullptr) issue("(config)", "expected a JSON object, got " + type_name(&doc_.root()));
    return root;
  }
  const json::document& document() const noexcept { return doc_; }

  static std::string path(std::string_view at, std::string_view key) {
    std::string p(at);
    if (!p.empty()) p += '.';
    p += key;
    return p;
  }
  static std::string index_path(std::string_view at, std::size_t i) {
    return std::string(at) + "[" + std::to_string(i) + "]";
  }

  /// "nothing", "null", "a boolean", "a number", "a string", "an array", "an object".
  static std::string type_name(const json::value* v) {
    if (v == nullptr) return "nothing (the field is required)";
    if (v->is<picojson::null>()) return "null";
    if (v->is<bool>()) return "a boolean";
    if (v->is<double>()) return "a number";
    if (v->is<std::string>()) return "a string";
    if (v->is<json::array>()) return "an array";
    return "an object";
  }

  void issue(std::string where, const std::string& problem) {
    if (issues_.empty()) first_path_ = where;
    if (!message_.empty()) message_ += "; ";
    message_ += where;
    message_ += ": ";
    message_ += problem;
    issues_.push_back(std::move(where));
  }
  void expected(std::string where, std::string_view what, const json::value* got) {
    issue(std::move(where), "expected " + std::string(what) + ", got " + type_name(got));
  }

  /// A required string member (`z.string()`).
  const std::string* string(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || !v->is<std::string>()) {
      expected(path(at, key), "a string", v);
      return nullptr;
    }
    return &v->get<std::string>();
  }
  /// An optional string member (`z.string().optional()`: absent is fine, null is not).
  const std::string* optional_string(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr) return nullptr;
    if (!v->is<std::string>()) {
      expected(path(at, key), "a string", v);
      return nullptr;
    }
    return &v->get<std::string>();
  }
  /// An optional boolean member (`z.boolean().optional()`).
  std::optional<bool> optional_bool(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is<bool>()) {
      expected(path(at, key), "a boolean", v);
      return std::nullopt;
    }
    return v->get<bool>();
  }
  /// A required number member (`z.number()`).
  std::optional<double> number(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || !v->is<double>()) {
      expected(path(at, key), "a number", v);
      return std::nullopt;
    }
    return v->get<double>();
  }
  /// A required array member.
  const json::array* array(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || !v->is<json::array>()) {
      expected(path(at, key), "an array", v);
      return nullptr;
    }
    return &v->get<json::array>();
  }
  /// An array element that must be an object.
  const json::object* element_object(const json::value& v, const std::string& where) {
    if (!v.is<json::object>()) {
      expected(where, "an object", &v);
      return nullptr;
    }
    return &v.get<json::object>();
  }

  /// The refine every connector has: templates for Register, SignIn, ForgotPassword and Generic.
  void require_usage_types(const std::vector<const std::string*>& present, std::string_view where = "templates") {
    std::string missing;
    for (const auto required : required_usage_types) {
      bool found = false;
      for (const auto* p : present) {
        if (p != nullptr && *p == required) found = true;
      }
      if (!found) {
        if (!missing.empty()) missing += ", ";
        missing += required;
      }
    }
    if (!missing.empty()) {
      issue(std::string(where), "templates for usage type(s) " + missing +
                                    " must be present (Register, SignIn, ForgotPassword and Generic are required)");
    }
  }

  /// `require_usage_types` over the usage types of templates built in code (`from_config`).
  template <class Template>
  void require_templates(const std::vector<Template>& templates) {
    std::vector<const std::string*> usage_types;
    usage_types.reserve(templates.size());
    for (const auto& t : templates) usage_types.push_back(&t.usage_type);
    require_usage_types(usage_types);
  }

  /// The required `templates` array of `root` into `out`: every element an object with a string
  /// `usageType`, then the connector's own fields, read by `fill(element, path, template)` (and by
  /// `fill_before` for fields its schema lists before `usageType`, so issues keep zod's order).
  /// Like zod, the required-usage-types refine runs only when every element parsed.
  template <class Template, class FillBefore, class Fill>
  void templates(const json::object& root, std::vector<Template>& out, FillBefore fill_before, Fill fill) {
    const json::array* arr = array(root, "templates");
    if (arr == nullptr) return;
    std::vector<const std::string*> usage_types;
    const std::size_t before = issue_count();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string at = index_path("templates", i);
      const json::object* element = element_object((*arr)[i], at);
      if (element == nullptr) continue;
      Template t;
      fill_before(*element, at, t);
      const std::string* usage = string(*element, "usageType", at);
      usage_types.push_back(usage);
      if (usage != nullptr) t.usage_type = *usage;
      fill(*element, at, t);
      out.push_back(std::move(t));
    }
    if (issue_count() == before) require_usage_types(usage_types);
  }
  template <class Template, class Fill>
  void templates(const json::object& root, std::vector<Template>& out, Fill fill) {
    templates(
        root, out, [](const json::object&, const std::string&, Template&) {}, fill);
  }

  bool ok() const noexcept { return issues_.empty(); }
  std::size_t issue_count() const noexcept { return issues_.size(); }

  /// errc::invalid_config naming every problem; detail is the first problem's path.
  error failure() const {
    return make_error(errc::invalid_config, "invalid " + connector_ + " config: " + message_, first_path_);
  }

 private:
  static void wipe_strings(json::value& v) {
    if (v.is<std::string>()) {
      crypto::wipe(v.get<std::string>());
    } else if (v.is<json::array>()) {
      for (auto& e : v.get<json::array>()) wipe_strings(e);
    } else if (v.is<json::object>()) {
      for (auto& kv : v.get<json::object>()) wipe_strings(kv.second);
    }
  }

  std::string connector_;
  json::document doc_;
  std::vector<std::string> issues_;
  std::string message_;
  std::string first_path_;
};

/// A transport failure as a connector error. The official connectors let got's RequestError escape
/// (no ConnectorError at all); we report errc::general with the transport's own message.
inline error transport_failure(const error& e, std::string_view provider) {
  std::string detail(to_string(e.code));
  if (!e.detail.empty()) {
    detail += ": ";
    detail += e.detail;
  }
  return make_error(errc::general, "could not deliver the request to " + std::string(provider) + ": " + e.message,
                    std::move(detail));
}

/// `body` shortened to at most `max` bytes (cut at a UTF-8 boundary) for an error detail.
inline std::string excerpt(std::string_view body, std::size_t max = 512) {
  if (body.size() <= max) return std::string(body);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0u) == 0x80u) --cut;
  return std::string(body.substr(0, cut)) + "...";
}

/// True when `v` may go into an HTTP header value: no CR, LF, NUL or other control character
/// except TAB (so nothing can be injected into the header block).
inline bool header_value_ok(std::string_view v) noexcept {
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

/// Every string in `v` is valid UTF-8 (JavaScript strings cannot hold anything else).
inline bool valid_utf8_strings(const value& v) {
  if (const auto* s = v.if_string()) return is_valid_utf8(*s);
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) {
      if (!valid_utf8_strings(e)) return false;
    }
  } else if (const auto* o = v.if_object()) {
    for (const auto& m : *o) {
      if (!is_valid_utf8(m.first) || !valid_utf8_strings(m.second)) return false;
    }
  }
  return true;
}

/// Checks the parts of a message that go on the wire: `to` and the payload must be valid UTF-8.
inline result<void> check_message(const message& m) {
  if (!is_valid_utf8(m.to)) {
    return make_error(errc::invalid_request_parameters, "message.to is not valid UTF-8", "to");
  }
  if (!is_valid_utf8(m.type)) {
    return make_error(errc::invalid_request_parameters, "message.type is not valid UTF-8", "type");
  }
  if (!valid_utf8_strings(m.payload.as_value())) {
    return make_error(errc::invalid_request_parameters, "message.payload holds a string that is not valid UTF-8",
                      "payload");
  }
  return ok();
}

/// The HTTP status as text for error details.
inline std::string status_text(int status) { return "HTTP " + std::to_string(status); }

/// connector-kit's `ConnectorError(TemplateNotFound)` for a message type without a template.
inline error template_not_found(const message& m) {
  return make_error(errc::template_not_found, "Cannot find template for type: " + m.type, m.type);
}

/// What an HTTP connector's `build_request(m, unix_seconds, nonce)` takes from `send()`: nothing
/// (Twilio), the time (Tencent), or the time and a UUID v4 SignatureNonce (Aliyun).
enum class request_stamp { none, time, time_and_nonce };

/// The `send()` of every HTTP connector: builds the request (asking `clock` and `random` only for
/// what `Stamp` says), sends it through `transport`, wipes any `Authorization` header (Twilio's
/// Basic credentials) and classifies the answer with `connector.parse_response`. A transport
/// failure is `transport_failure(e, provider)`.
template <request_stamp Stamp, class Connector, class Transport, class Clock, class Random>
auto send_http(const Connector& connector, const message& m, Transport& transport, Clock& clock, Random& random,
               std::string_view provider) -> decltype(connector.parse_response(std::declval<const http_response&>())) {
  static_assert(is_transport<Transport>::value,
                "Transport must provide result<http_response> send(const http_request&)");
  static_assert(is_clock<typename std::decay<Clock>::type>::value,
                "Clock must provide std::int64_t now() (unix seconds)");
  static_assert(crypto::is_random_source<typename std::decay<Random>::type>::value,
                "Random must provide bool fill(unsigned char*, std::size_t)");
  std::string nonce;
  if constexpr (Stamp == request_stamp::time_and_nonce) {
    auto uuid = crypto::uuid_v4(random);
    if (!uuid) return uuid.error();
    nonce = std::move(*uuid);
  } else {
    (void)random;
  }
  const std::int64_t now = Stamp == request_stamp::none ? 0 : static_cast<std::int64_t>(clock.now());
  auto req = connector.build_request(m, now, nonce);
  if (!req) return req.error();
  auto resp = transport.send(*req);
  for (auto& h : req->headers) {
    if (h.name == "Authorization") crypto::wipe(h.value);
  }
  if (!resp) return transport_failure(resp.error(), provider);
  return connector.parse_response(*resp);
}

}  // namespace detail

}  // namespace connectors
}  // namespace logto
