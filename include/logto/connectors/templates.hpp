/// @file
/// @brief Template lookup (getConfigTemplateByType), e-mail templates and the host's i18n provider, and
/// `{{placeholder}}` rendering (replaceSendMessageHandlebars), byte for byte. Part of the connector foundation;
/// `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/message.hpp"

namespace logto {
namespace connectors {

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

}  // namespace connectors
}  // namespace logto
