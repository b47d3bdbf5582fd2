/// @file
/// @brief Turning an `http_response` into JSON or into an `error`, the way @logto/client's requester
/// (`createRequester`) does, plus `oauth_error_name` to get the RFC 6749 error name back.
#pragma once

#include <string>       // std::string
#include <string_view>  // std::string_view

#include "logto/core/strict_json.hpp"
#include "logto/core/result.hpp"
#include "logto/http.hpp"
#include "logto/oidc/common.hpp"

namespace logto {
namespace oidc {

namespace detail {
/// The error a parsed JSON error body stands for (see `map_error_response`); `status` is for messages.
inline error map_error_json(const json::value& body, int status, std::string_view body_text) {
  const std::string status_text = std::to_string(status);
  const json::reader r(body, "error response");
  const std::string* code = r["code"].string_ptr();
  const std::string* message = r["message"].string_ptr();
  if (code != nullptr && message != nullptr) {
    return make_error(errc::request_error, printable(*message), printable(*code, 128));
  }
  if (const std::string* err = r["error"].string_ptr()) {
    const std::string name = printable(*err, 128);
    const std::string* description = r["error_description"].string_ptr();
    std::string text = description != nullptr ? printable(*description)
                                              : "the server answered HTTP " + status_text + " with OAuth error " + name;
    return make_error(errc::oauth_error, std::move(text), name);
  }
  return make_error(errc::unexpected_response_error,
                    "Unexpected response error from the server (HTTP " + status_text + ").",
                    printable(body_text));
}
}  // namespace detail

/// The error for a non-2xx response, mapped as @logto/client's requester maps it:
/// - JSON object with string `code` and string `message` (Logto's body; it also carries `error`):
///   `errc::request_error`, detail = `code` (e.g. `oidc.invalid_grant`), message = `message`;
/// - JSON object with string `error` (RFC 6749 5.2), no code/message pair: `errc::oauth_error`, detail =
///   `error`, message = `error_description` (or a sentence naming `error` when there is none). JS calls
///   this `unexpected_response_error`; the OAuth error is too useful to drop;
/// - any other JSON: `errc::unexpected_response_error`, detail = the body as sent (control characters
///   blanked, truncated; not re-serialised, which would link a float formatter into firmware);
/// - not JSON: `errc::rate_limited` for 429, else `errc::http_error`; detail `rate_limited` or
///   `http_error_<status>`, message = the body text (control characters blanked, at most 512 bytes).
inline error map_error_response(const http_response& response) {
  auto parsed = json::parse(response.body);
  if (!parsed) {
    const std::string status = std::to_string(response.status);
    const bool limited = response.status == 429;
    std::string message = detail::printable(response.body);
    if (message.find_first_not_of(' ') == std::string::npos) message = "HTTP " + status + " with an empty body";
    return make_error(limited ? errc::rate_limited : errc::http_error, std::move(message),
                      limited ? std::string("rate_limited") : "http_error_" + status);
  }
  return detail::map_error_json(*parsed, response.status, response.body);
}

/// The JSON object in a 2xx response; the mapped error (`map_error_response`) for any other status;
/// `errc::unexpected_response_error` when a 2xx body is not a JSON object (the body is not quoted in
/// the message: it may hold tokens). `what` names the response in messages ("token response").
inline result<json::object> parse_json_object_response(const http_response& response, std::string_view what) {
  if (!::logto::detail::http_ok(response.status)) return map_error_response(response);
  auto parsed = json::parse(response.body);
  if (!parsed) {
    return make_error(errc::unexpected_response_error,
                      std::string(what) + " (HTTP " + std::to_string(response.status) + ") is not valid JSON");
  }
  json::object* obj = json::as_object(*parsed);
  if (obj == nullptr) {
    return make_error(errc::unexpected_response_error, std::string(what) + " is JSON but not an object");
  }
  return std::move(*obj);
}

/// The RFC 6749 / RFC 8628 error name an error carries, or "" when it carries none:
/// `oauth_error`, `callback_error_found` and the device-flow codes give their `detail` (without a
/// leading `oidc.`); a `request_error` whose Logto code is `oidc.<name>` gives `<name>`. So both Logto's
/// `{"code":"oidc.invalid_grant",...}` and a plain `{"error":"invalid_grant"}` give "invalid_grant".
inline std::string oauth_error_name(const error& e) {
  constexpr std::string_view prefix = "oidc.";
  const std::string_view d = e.detail;
  const bool prefixed = d.size() > prefix.size() && d.substr(0, prefix.size()) == prefix;
  switch (e.code) {
    case errc::oauth_error:
    case errc::callback_error_found:
    case errc::authorization_pending:
    case errc::slow_down:
    case errc::access_denied:
    case errc::expired_token: return std::string(prefixed ? d.substr(prefix.size()) : d);
    case errc::request_error: return prefixed ? std::string(d.substr(prefix.size())) : std::string();
    default: return std::string();
  }
}

}  // namespace oidc
}  // namespace logto
