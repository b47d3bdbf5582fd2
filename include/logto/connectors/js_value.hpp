/// @file
/// @brief An ordered JSON value with JavaScript semantics (JSON.stringify, String(v)): connector wire formats depend on
/// insertion order. Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/usage.hpp"

namespace logto {
namespace connectors {

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

}  // namespace connectors
}  // namespace logto
