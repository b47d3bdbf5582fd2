/// @file
/// @brief The message a connector sends: SendMessageData and its ordered SendMessagePayload.
/// Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/js_value.hpp"

namespace logto {
namespace connectors {

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
  payload& set(std::string_view key, value v) {
    (*root_.if_object())[key] = std::move(v);
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
  bool erase(std::string_view key) { return root_.if_object()->erase(key) == 1; }
  const std::vector<member>& members() const noexcept { return root_.if_object()->members(); }
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

}  // namespace connectors
}  // namespace logto
