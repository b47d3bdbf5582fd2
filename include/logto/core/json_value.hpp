/// @file
/// @brief The library's one JSON model: `json::value`, an ordered `json::object` and `json::array`.
///
/// Every JSON the library reads or writes (provider responses, JWT payloads, JWKS, stored sessions,
/// connector configs and request bodies) is held in these types. Objects keep their members in the
/// order they were parsed or inserted, because the connectors' wire formats depend on it
/// (`JSON.stringify(payload)`, `Object.values(...)`), and writing follows JavaScript's enumeration order
/// (array-index names first, ascending; then the rest in insertion order), so `json::stringify` is
/// `JSON.stringify` byte for byte. Numbers are IEEE doubles, as in JavaScript; a non-finite number can
/// be held (a connector may compute one) but is written as `null`, as JSON.stringify does, and the
/// parser never makes one.
///
/// The interface follows picojson's (`is<T>()`, `get<T>()`, map-like objects) so code written against
/// the picojson types this replaced keeps compiling; `get<T>()` on the wrong type stops the program
/// (as picojson's assertion did), so check with `is<T>()` or use the `json::as_*` / `json::reader`
/// accessors, which never do. Parsing is in `core/strict_json.hpp`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "logto/core/result.hpp"

namespace logto {
namespace json {

/// The type tag of JSON `null` (`v.is<json::null>()`).
struct null {};

class value;
class object;
/// A JSON array.
using array = std::vector<value>;

/// A JSON value: null, boolean, number (double), string, array or object. 16 bytes; strings, arrays
/// and objects live on the heap, as in picojson.
class value {
 public:
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"  // the enumerators name the types they stand for, on purpose
#endif
  enum class kind : unsigned char { null, boolean, number, string, array, object };
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
  using array_type = json::array;
  using object_type = json::object;
  using member = std::pair<std::string, value>;

  value() noexcept { u_.d = 0; }
  value(null) noexcept : value() {}                             // NOLINT
  value(std::nullptr_t) noexcept : value() {}                   // NOLINT
  value(bool b) noexcept : kind_(kind::boolean) { u_.b = b; }   // NOLINT
  value(double d) noexcept : kind_(kind::number) { u_.d = d; }  // NOLINT
  template <class I, typename std::enable_if<std::is_integral<I>::value && !std::is_same<I, bool>::value &&
                                                 !std::is_same<I, char>::value,
                                             int>::type = 0>
  value(I i) noexcept : kind_(kind::number) {  // NOLINT
    u_.d = static_cast<double>(i);
  }
  value(std::string s);                                                // NOLINT
  value(std::string_view s) : value(std::string(s)) {}                 // NOLINT
  value(const char* s) : value(std::string(s == nullptr ? "" : s)) {}  // NOLINT
  value(array a);                                                      // NOLINT
  value(object o);                                                     // NOLINT

  value(const value& other);
  value(value&& other) noexcept : kind_(other.kind_), u_(other.u_) {
    other.kind_ = kind::null;
    other.u_.d = 0;
  }
  value& operator=(const value& other) {
    if (this != &other) {
      value copy(other);
      swap(copy);
    }
    return *this;
  }
  value& operator=(value&& other) noexcept {
    if (this != &other) {
      value moved(std::move(other));
      swap(moved);
    }
    return *this;
  }
  ~value() { release(); }

  void swap(value& other) noexcept {
    std::swap(kind_, other.kind_);
    std::swap(u_, other.u_);
  }

  /// An empty object / array.
  static value make_object();
  static value make_array() { return value(array{}); }

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }

  /// True when the value holds a `T`: json::null, bool, double, std::string, json::array, json::object.
  template <class T>
  bool is() const noexcept;

  /// The `T` held; stops the program when the value holds another type (check with `is<T>()`).
  template <class T>
  const T& get() const noexcept;
  template <class T>
  T& get() noexcept;

  /// Pointers to the held value, or nullptr when it holds another type.
  const bool* if_bool() const noexcept { return kind_ == kind::boolean ? &u_.b : nullptr; }
  const double* if_number() const noexcept { return kind_ == kind::number ? &u_.d : nullptr; }
  const std::string* if_string() const noexcept { return kind_ == kind::string ? u_.s : nullptr; }
  std::string* if_string() noexcept { return kind_ == kind::string ? u_.s : nullptr; }
  const array* if_array() const noexcept { return kind_ == kind::array ? u_.a : nullptr; }
  array* if_array() noexcept { return kind_ == kind::array ? u_.a : nullptr; }
  const object* if_object() const noexcept { return kind_ == kind::object ? u_.o : nullptr; }
  object* if_object() noexcept { return kind_ == kind::object ? u_.o : nullptr; }

  /// The member `key` of an object (nullptr if absent or not an object).
  const value* find(std::string_view key) const noexcept;
  value* find(std::string_view key) noexcept { return const_cast<value*>(static_cast<const value*>(this)->find(key)); }

  // Defined in core/strict_json.hpp (the parser and the writer), which every user of this header includes.

  /// Parses JSON text strictly (`json::parse`).
  static result<value> parse(std::string_view text);
  /// A copy of `v` (kept for code written against the connectors' former value type).
  static value from_json(const value& v) { return v; }
  template <class Document>
  static value from_document(const Document&, const value& v) {
    return v;
  }

  /// `JSON.stringify(v)` byte for byte (JavaScript's member order and number format, its escaping).
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
  /// (array-index names ascending, then the rest in insertion order).
  template <class F>
  void for_each_member_js_order(F&& f) const;

  /// Deep equality (numbers by `==`, objects member by member in order).
  friend bool operator==(const value& a, const value& b) noexcept;
  friend bool operator!=(const value& a, const value& b) noexcept { return !(a == b); }

 private:
  void release() noexcept;

  kind kind_ = kind::null;
  union storage {
    bool b;
    double d;
    std::string* s;
    json::array* a;
    json::object* o;
  } u_;
};

/// A JSON object: members in insertion (document) order, with the lookups of a map. Names are unique
/// (the parser refuses duplicates; `emplace` and `operator[]` keep the first). Lookup is linear, which
/// for the small objects of OpenID and connector JSON beats a tree; the parser checks duplicates in
/// O(n log n), so a large hostile object costs no quadratic time.
class object {
 public:
  using value_type = std::pair<std::string, value>;
  using container = std::vector<value_type>;
  using iterator = container::iterator;
  using const_iterator = container::const_iterator;
  using size_type = std::size_t;

  object() = default;
  object(std::initializer_list<value_type> init) {
    for (const auto& m : init) emplace(m.first, m.second);
  }

  iterator begin() noexcept { return members_.begin(); }
  iterator end() noexcept { return members_.end(); }
  const_iterator begin() const noexcept { return members_.begin(); }
  const_iterator end() const noexcept { return members_.end(); }
  size_type size() const noexcept { return members_.size(); }
  bool empty() const noexcept { return members_.empty(); }
  void clear() noexcept { members_.clear(); }
  void reserve(size_type n) { members_.reserve(n); }

  iterator find(std::string_view key) noexcept {
    return members_.begin() + static_cast<std::ptrdiff_t>(static_cast<const object*>(this)->index_of(key));
  }
  const_iterator find(std::string_view key) const noexcept {
    return members_.begin() + static_cast<std::ptrdiff_t>(index_of(key));
  }
  size_type count(std::string_view key) const noexcept { return find(key) == end() ? 0 : 1; }

  /// The member `key`; stops the program when it is absent (std::map::at would throw): check with
  /// `find` first, or use `json::find` / `json::reader`.
  const value& at(std::string_view key) const noexcept {
    const auto it = find(key);
    if (it == end()) std::abort();
    return it->second;
  }
  value& at(std::string_view key) noexcept {
    const auto it = find(key);
    if (it == end()) std::abort();
    return it->second;
  }

  /// Inserts `key` at the end unless present (as std::map::emplace); returns the member and whether it
  /// was inserted.
  template <class V>
  std::pair<iterator, bool> emplace(std::string key, V&& v) {
    const auto it = find(key);
    if (it != end()) return {it, false};
    members_.emplace_back(std::move(key), value(std::forward<V>(v)));
    return {members_.end() - 1, true};
  }
  std::pair<iterator, bool> insert(value_type m) { return emplace(std::move(m.first), std::move(m.second)); }

  /// The member `key`, appended as null when absent (as std::map::operator[]).
  value& operator[](std::string_view key) {
    const auto it = find(key);
    if (it != end()) return it->second;
    members_.emplace_back(std::string(key), value());
    return members_.back().second;
  }

  /// Removes `key`; returns how many members were removed (0 or 1).
  size_type erase(std::string_view key) {
    const auto it = find(key);
    if (it == end()) return 0;
    members_.erase(it);
    return 1;
  }

  /// Appends without the uniqueness check: for the parser, which checks names itself.
  void append_unchecked(std::string key, value v) { members_.emplace_back(std::move(key), std::move(v)); }

  const container& members() const noexcept { return members_; }

  friend bool operator==(const object& a, const object& b) noexcept { return a.members_ == b.members_; }
  friend bool operator!=(const object& a, const object& b) noexcept { return !(a == b); }

 private:
  /// The position of `key`, or size() when absent.
  size_type index_of(std::string_view key) const noexcept {
    size_type i = 0;
    while (i < members_.size() && members_[i].first != key) ++i;
    return i;
  }

  container members_;
};

// ---------------------------------------------------------------------------------------------
// value's members that need the complete types

inline value::value(std::string s) : kind_(kind::string) { u_.s = new std::string(std::move(s)); }
inline value::value(array a) : kind_(kind::array) { u_.a = new array(std::move(a)); }
inline value::value(object o) : kind_(kind::object) { u_.o = new object(std::move(o)); }
inline value value::make_object() { return value(object{}); }

inline value::value(const value& other) : kind_(other.kind_) {
  switch (kind_) {
    case kind::string: u_.s = new std::string(*other.u_.s); break;
    case kind::array: u_.a = new array(*other.u_.a); break;
    case kind::object: u_.o = new object(*other.u_.o); break;
    default: u_ = other.u_; break;
  }
}

inline void value::release() noexcept {
  switch (kind_) {
    case kind::string: delete u_.s; break;
    case kind::array: delete u_.a; break;
    case kind::object: delete u_.o; break;
    default: break;
  }
  kind_ = kind::null;
}

inline const value* value::find(std::string_view key) const noexcept {
  if (kind_ != kind::object) return nullptr;
  const auto it = u_.o->find(key);
  return it == u_.o->end() ? nullptr : &it->second;
}

inline bool operator==(const value& a, const value& b) noexcept {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case value::kind::null: return true;
    case value::kind::boolean: return a.u_.b == b.u_.b;
    case value::kind::number: return a.u_.d == b.u_.d;
    case value::kind::string: return *a.u_.s == *b.u_.s;
    case value::kind::array: return *a.u_.a == *b.u_.a;
    case value::kind::object: return *a.u_.o == *b.u_.o;
  }
  return false;
}

namespace detail {
template <class T>
constexpr value::kind kind_of() noexcept {
  static_assert(std::is_same<T, null>::value || std::is_same<T, bool>::value || std::is_same<T, double>::value ||
                    std::is_same<T, std::string>::value || std::is_same<T, array>::value ||
                    std::is_same<T, object>::value,
                "json::value holds null, bool, double, std::string, json::array or json::object");
  if constexpr (std::is_same<T, null>::value) return value::kind::null;
  if constexpr (std::is_same<T, bool>::value) return value::kind::boolean;
  if constexpr (std::is_same<T, double>::value) return value::kind::number;
  if constexpr (std::is_same<T, std::string>::value) return value::kind::string;
  if constexpr (std::is_same<T, array>::value) return value::kind::array;
  return value::kind::object;
}
}  // namespace detail

template <class T>
inline bool value::is() const noexcept {
  return kind_ == detail::kind_of<T>();
}

template <class T>
inline const T& value::get() const noexcept {
  return const_cast<value*>(this)->get<T>();
}

template <class T>
inline T& value::get() noexcept {
  static_assert(!std::is_same<T, null>::value, "json::null holds nothing to get");
  if (!is<T>()) std::abort();  // a contract violation, as picojson's assertion: check is<T>() first
  if constexpr (std::is_same<T, bool>::value) {
    return u_.b;
  } else if constexpr (std::is_same<T, double>::value) {
    return u_.d;
  } else if constexpr (std::is_same<T, std::string>::value) {
    return *u_.s;
  } else if constexpr (std::is_same<T, array>::value) {
    return *u_.a;
  } else {
    return *u_.o;
  }
}

}  // namespace json
}  // namespace logto
