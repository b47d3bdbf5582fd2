/// @file
/// @brief zod-like validation of a connector's JSON config: every problem with its path, never a value.
/// Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/templates.hpp"

namespace logto {
namespace connectors {

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
    return use(doc_.root());
  }
  /// Reads a config the caller parsed (and owns: it is neither copied nor wiped here); returns the
  /// root object, or nullptr after recording why not.
  const json::object* use(const json::value& config) {
    const json::object* root = json::as_object(config);
    if (root == nullptr) issue("(config)", "expected a JSON object, got " + type_name(&config));
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
    if (v->is_null()) return "null";
    if (v->if_bool() != nullptr) return "a boolean";
    if (v->if_number() != nullptr) return "a number";
    if (v->if_string() != nullptr) return "a string";
    if (v->if_array() != nullptr) return "an array";
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
    if (v == nullptr || v->if_string() == nullptr) {
      expected(path(at, key), "a string", v);
      return nullptr;
    }
    return v->if_string();
  }
  /// An optional string member (`z.string().optional()`: absent is fine, null is not).
  const std::string* optional_string(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr) return nullptr;
    if (v->if_string() == nullptr) {
      expected(path(at, key), "a string", v);
      return nullptr;
    }
    return v->if_string();
  }
  /// An optional boolean member (`z.boolean().optional()`).
  std::optional<bool> optional_bool(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (v->if_bool() == nullptr) {
      expected(path(at, key), "a boolean", v);
      return std::nullopt;
    }
    return *v->if_bool();
  }
  /// A required number member (`z.number()`).
  std::optional<double> number(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || v->if_number() == nullptr) {
      expected(path(at, key), "a number", v);
      return std::nullopt;
    }
    return *v->if_number();
  }
  /// A required array member.
  const json::array* array(const json::object& obj, std::string_view key, std::string_view at = {}) {
    const json::value* v = json::find(obj, key);
    if (v == nullptr || v->if_array() == nullptr) {
      expected(path(at, key), "an array", v);
      return nullptr;
    }
    return v->if_array();
  }
  /// An array element that must be an object.
  const json::object* element_object(const json::value& v, const std::string& where) {
    if (v.if_object() == nullptr) {
      expected(where, "an object", &v);
      return nullptr;
    }
    return v.if_object();
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
    if (v.if_string() != nullptr) {
      crypto::wipe(*v.if_string());
    } else if (v.if_array() != nullptr) {
      for (auto& e : *v.if_array()) wipe_strings(e);
    } else if (v.if_object() != nullptr) {
      for (auto& kv : *v.if_object()) wipe_strings(kv.second);
    }
  }

  std::string connector_;
  json::document doc_;
  std::vector<std::string> issues_;
  std::string message_;
  std::string first_path_;
};

}  // namespace detail

}  // namespace connectors
}  // namespace logto
