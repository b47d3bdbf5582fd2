/// @file
/// @brief The message a connector sends: SendMessageData and its ordered SendMessagePayload.
/// Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/js_value.hpp"

namespace logto {
namespace connectors {

namespace detail {
/// Enables a `from_json(const Json&)` overload for exactly `json::value`, so that text (a string literal,
/// `std::string`) still picks the `std::string_view` overload although `json::value` converts from it.
template <class Json>
using if_json_value = typename std::enable_if<std::is_same<Json, json::value>::value, int>::type;
}  // namespace detail

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
  std::optional<std::string> ip;  ///< the client's IP address, when Logto passed one (no connector uses it)

  message() = default;
  message(std::string to_, usage_type t, connectors::payload p = connectors::payload())
      : to(std::move(to_)), type(to_string(t)), payload(std::move(p)) {}
  message(std::string to_, std::string type_, connectors::payload p = connectors::payload())
      : to(std::move(to_)), type(std::move(type_)), payload(std::move(p)) {}

  /// The usage type if `type` is one of the kit's names.
  std::optional<usage_type> usage() const noexcept { return usage_type_from_string(type); }

  /// The message from the data Logto passes to a connector's `sendMessage(data)`, validated like
  /// connector-kit's `sendMessageDataGuard`: `{to: string, type: TemplateType, payload: {code?, link?,
  /// locale?, uiLocales?: string, ...anything}, ip?: string}`. Other members are ignored (zod strips
  /// them); the payload keeps its member order. Errors are invalid_request_parameters naming every bad
  /// field by path (`sendMessage data: "payload.code" must be a string`; detail: the first path), never a
  /// value.
  static result<message> from_json(std::string_view data_json) {
    auto v = value::parse(data_json);
    if (!v) return make_error(errc::invalid_request_parameters, "sendMessage data: " + v.error().message, "(data)");
    return from_value(*v);
  }
  /// The same from a parsed value. Only for exactly `json::value`; text goes to the overload above.
  template <class Json, detail::if_json_value<Json> = 0>
  static result<message> from_json(const Json& data) {
    return from_value(value::from_json(data));
  }
  /// The same from an ordered value.
  static result<message> from_value(const value& data) {
    std::string problems;
    std::string first_path;
    const auto issue = [&problems, &first_path](std::string_view path, std::string_view what) {
      if (first_path.empty()) first_path = path;
      if (!problems.empty()) problems += "; ";
      problems += '"';
      problems += path;
      problems += "\" must be ";
      problems += what;
    };
    if (data.if_object() == nullptr) {
      return make_error(errc::invalid_request_parameters, "sendMessage data: must be a JSON object", "(data)");
    }
    message m;
    const value* to = data.find("to");
    if (to != nullptr && to->if_string() != nullptr) {
      m.to = *to->if_string();
    } else {
      issue("to", "a string");
    }
    const value* type = data.find("type");
    const std::string* type_name = type == nullptr ? nullptr : type->if_string();
    if (type_name != nullptr && usage_type_from_string(*type_name)) {
      m.type = *type_name;
    } else {
      issue("type",
            "one of SignIn, Register, ForgotPassword, OrganizationInvitation, Generic, "
            "UserPermissionValidation, BindNewIdentifier, MfaVerification, BindMfa");
    }
    const value* p = data.find("payload");
    if (p != nullptr && p->if_object() != nullptr) {
      for (const char* key : {"code", "link", "locale", "uiLocales"}) {
        const value* field = p->find(key);
        if (field != nullptr && field->if_string() == nullptr) issue("payload." + std::string(key), "a string");
      }
      m.payload = std::move(*payload::from_value(*p));  // an object: cannot fail
    } else {
      issue("payload", "an object");
    }
    if (const value* ip = data.find("ip")) {
      if (ip->if_string() != nullptr) {
        m.ip = *ip->if_string();
      } else {
        issue("ip", "a string");
      }
    }
    if (!problems.empty()) {
      return make_error(errc::invalid_request_parameters, "sendMessage data: " + problems, std::move(first_path));
    }
    return m;
  }
};

}  // namespace connectors
}  // namespace logto
